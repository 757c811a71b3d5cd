"""`doctor`'s Tracker checks: the robot's token, the queue, its local fields and the bridge's triggers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from application.admin.checks import CheckResult, fail, failed, ok, warn
from application.admin.setup import TRIGGER_NAMES, bridge_triggers, first_of_each_name
from domain.comments import DEFAULT_INTERNAL_MARKERS
from domain.tickets import QUEUE_FIELDS
from ports.admin import TrackerAdmin
from ports.errors import NotFound
from ports.triggers import BridgeTrigger, Trigger

RUN_SETUP = "run `servicedesk-bot setup`"
SERIOUS_DIFFERENCES = frozenset({"active", "endpoint", "headers", "body", "webhook"})


@dataclass(frozen=True)
class TrackerSettings:
    queue: str
    public_url: str | None
    webhook_secret: str | None
    internal_markers: tuple[str, ...] = DEFAULT_INTERNAL_MARKERS
    polling: bool = False  # poll mode searches Tracker itself: triggers are not needed


class TrackerChecks:
    """`variables` names each setting's environment variable, for the fixes (e.g. `queue` -> `TRACKER_QUEUE`)."""

    def __init__(
        self, tracker: TrackerAdmin, settings: TrackerSettings, variables: Mapping[str, str], named: bool = False
    ) -> None:
        self._tracker = tracker
        self._settings = settings
        self._var = variables
        self._named = named  # several queues: each line names its queue

    def execute(self) -> list[CheckResult]:
        results = self._checks()
        if not self._named:
            return results
        queue = self._settings.queue
        return [replace(r, check=f"{r.check} [{queue}]") if r.check != "tracker token" else r for r in results]

    def _checks(self) -> list[CheckResult]:
        try:
            robot = self._tracker.myself()
        except Exception as e:
            return [failed("tracker token", e, self._token_fix(), "Tracker")]
        login = robot.nickname or robot.id
        shapes = "; ".join(f"{call} answered {shape}" for call, shape in self._tracker.answer_shapes().items())
        token = ok(
            "tracker token", f"robot {login} ({robot.display_name}, uid {robot.id})" + (f"; {shapes}" if shapes else "")
        )
        results = [token, self._queue()]
        if results[-1].failed:
            return results
        if self._settings.polling:
            return [
                *results,
                self._local_fields(),
                ok("tracker triggers", "not needed: DELIVERY=poll searches Tracker"),
            ]
        return [*results, self._local_fields(), *self._triggers(robot.id)]

    def _token_fix(self) -> str:
        token, org, cloud = (self._var[n] for n in ("tracker_api_token", "tracker_org_id", "tracker_cloud_org_id"))
        return f"check {token} (the robot's OAuth token) and {org} or {cloud}"

    def _queue(self) -> CheckResult:
        key = self._settings.queue
        try:
            queue = self._tracker.queue(key)
        except NotFound:
            return fail(
                "tracker queue",
                f"queue {key} not found, or the robot cannot see it",
                f"set {self._var['tracker_queue']} to an existing queue key and give the robot access to it",
            )
        except Exception as e:
            return failed("tracker queue", e, "give the robot access to the queue", "Tracker")
        return ok("tracker queue", f"{queue.key} «{queue.name}»")

    def _local_fields(self) -> CheckResult:
        check = "tracker local fields"
        try:
            present = {field.key for field in self._tracker.local_fields(self._settings.queue)}
        except Exception as e:
            return failed(check, e, "give the robot access to the queue's settings", "Tracker")
        missing = [spec.key for spec in QUEUE_FIELDS if spec.key not in present]
        if missing:
            return fail(check, "missing " + ", ".join(missing), RUN_SETUP)
        return ok(check, ", ".join(spec.key for spec in QUEUE_FIELDS))

    def _triggers(self, robot_uid: str) -> list[CheckResult]:
        try:
            triggers = self._tracker.triggers(self._settings.queue)
        except Exception as e:
            fix = "give the robot the right to manage the queue (setup needs it too)"
            return [failed("tracker triggers", e, fix, "Tracker")]
        found = first_of_each_name(triggers)
        desired = self._desired(robot_uid)
        return [self._trigger(name, found.get(name), desired.get(name)) for name in TRIGGER_NAMES]

    def _desired(self, robot_uid: str) -> dict[str, BridgeTrigger]:
        public_url, secret = self._settings.public_url, self._settings.webhook_secret
        if not (public_url and secret):
            return {}
        markers = self._settings.internal_markers
        return {wanted.name: wanted for wanted in bridge_triggers(public_url, secret, robot_uid, markers)}

    def _trigger(self, name: str, trigger: Trigger | None, desired: BridgeTrigger | None) -> CheckResult:
        check = f'tracker trigger "{name}"'
        if trigger is None or not trigger.active:
            return fail(check, "missing" if trigger is None else "inactive", RUN_SETUP)
        secret, public_url = self._var["tracker_webhook_secret"], self._var["public_url"]
        if not self._settings.webhook_secret:
            problem = f"{secret} is not set: the bridge refuses every call of this trigger"
            return fail(check, problem, f"set {secret} and {RUN_SETUP}")
        endpoint = trigger.endpoint or "nowhere"
        if desired is None:
            problem = f"calls {endpoint}; {public_url} is not set, so it cannot be checked"
            return warn(check, problem, f"set {public_url}")
        return self._compared(check, trigger, self._tracker.trigger_differences(desired, trigger))

    def _compared(self, check: str, trigger: Trigger, differences: list[str]) -> CheckResult:
        endpoint = trigger.endpoint or "nowhere"
        if not differences:
            return ok(check, f"active, calls {endpoint}" + "".join(f"; {note}" for note in trigger.notes))
        problem = "differs from what setup creates: " + ", ".join(differences)
        if "endpoint" in differences:
            problem += f" (calls {endpoint}, not {self._var['public_url']})"
        if SERIOUS_DIFFERENCES.intersection(differences):
            return fail(check, problem, RUN_SETUP)
        return warn(check, problem, RUN_SETUP + " unless the conditions were changed on purpose")
