"""`servicedesk-bot doctor`: one result per check of the configuration and of every service the bridge depends on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from application.setup import BRIDGE_FIELDS, COMMENT_TRIGGER, STATUS_TRIGGER, bridge_triggers, trigger_differences
from domain.edits import DEFAULT_INTERNAL_MARKERS
from ports.admin import DirectoryAdmin, MessengerAdmin, StateProbe, TokenInfo, TrackerAdmin, Trigger, TriggerSpec
from ports.errors import NotFound, PermanentFailure, TransientFailure

NEEDED_SCOPES = (
    "messages:create",
    "messages:read",
    "messages:update",
    "threads:create",
    "threads:read",
    "users:read",
    "views:write",
)
USERS_TO_PROBE = 5
DEAD_TO_LIST = 5
PROBLEM_LIMIT = 200
RUN_SETUP = "run `servicedesk-bot setup`"
SERIOUS_DIFFERENCES = frozenset({"active", "endpoint", "headers", "body", "webhook"})


class Status(Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class CheckResult:
    status: Status
    check: str
    detail: str  # what was found, or the problem
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


def ok(check: str, detail: str) -> CheckResult:
    return CheckResult(Status.OK, check, detail)


def warn(check: str, problem: str, fix: str) -> CheckResult:
    return CheckResult(Status.WARN, check, problem, fix)


def fail(check: str, problem: str, fix: str) -> CheckResult:
    return CheckResult(Status.FAIL, check, problem, fix)


def configuration_ok() -> CheckResult:
    return ok("configuration", "every required variable is set")


def configuration_failed(names: Sequence[str]) -> CheckResult:
    return fail(
        "configuration",
        "missing or invalid: " + ", ".join(names),
        "set these environment variables (see README, «Configuration»)",
    )


@dataclass(frozen=True)
class DoctorSettings:
    queue: str
    bot_user_id: int | None = None
    public_url: str | None = None
    tracker_webhook_secret: str | None = None
    email_domain: str | None = None
    internal_note_markers: tuple[str, ...] = DEFAULT_INTERNAL_MARKERS


class Doctor:
    """Checks what the bridge needs, each check on its own.

    - A check that cannot run (a service down, a refused token) is one FAIL line with its fix, never an exception;
      the checks that depend on it are left out, so one cause gives one line.
    - FAIL means the bridge cannot work as configured; warn means it works with less (e.g. matching by nickname).
    - Only reads: nothing is written anywhere.
    """

    def __init__(
        self,
        messenger: MessengerAdmin,
        tracker: TrackerAdmin,
        directory: DirectoryAdmin | None,
        open_state: Callable[[], StateProbe],
        settings: DoctorSettings,
    ) -> None:
        self._messenger = messenger
        self._tracker = tracker
        self._directory = directory
        self._open_state = open_state
        self._settings = settings

    def execute(self) -> list[CheckResult]:
        return [*self._pachca(), *self._tracker_checks(), self._directory_check(), *self._state()]

    # Pachca
    def _pachca(self) -> list[CheckResult]:
        try:
            token = self._messenger.token_info()
        except Exception as e:
            return [_failed("pachca token", e, "check PACHKA_API_TOKEN: the token on the bot's «API» tab", "Pachca")]
        return [_token(token), self._bot_id(token), self._personal_data()]

    def _bot_id(self, token: TokenInfo) -> CheckResult:
        configured = self._settings.bot_user_id
        if configured is None:
            return ok("pachca bot id", f"{token.user_id} (from the token; BOT_USER_ID is not set)")
        if configured == token.user_id:
            return ok("pachca bot id", f"BOT_USER_ID {configured} matches the token")
        return fail(
            "pachca bot id",
            f"BOT_USER_ID is {configured}, but the token belongs to user {token.user_id}",
            f"set BOT_USER_ID={token.user_id}, or remove it to read it from the token",
        )

    def _personal_data(self) -> CheckResult:
        check = "pachca personal data"
        try:
            people = [user for user in self._messenger.some_users(USERS_TO_PROBE) if not user.is_bot]
        except Exception as e:
            return _failed(check, e, "give the bot the users:read scope", "Pachca")
        if not people:
            return ok(check, "no people visible to check")
        if any(person.email for person in people):
            return ok(check, "e-mails are visible to the bot")
        return warn(
            check,
            "Pachca hides e-mails from bots: mentions are matched by nickname only",
            "allow bots to see personal data in the workspace settings",
        )

    # Tracker
    def _tracker_checks(self) -> list[CheckResult]:
        try:
            robot = self._tracker.myself()
        except Exception as e:
            fix = "check TRACKER_API_TOKEN (the robot's OAuth token) and TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID"
            return [_failed("tracker token", e, fix, "Tracker")]
        login = robot.nickname or robot.id
        results = [ok("tracker token", f"robot {login} ({robot.display_name})")]
        queue = self._queue()
        results.append(queue)
        if queue.failed:
            return results
        return [*results, self._local_fields(), *self._triggers(login)]

    def _queue(self) -> CheckResult:
        key = self._settings.queue
        try:
            queue = self._tracker.queue(key)
        except NotFound:
            return fail(
                "tracker queue",
                f"queue {key} not found, or the robot cannot see it",
                "set TRACKER_QUEUE to an existing queue key and give the robot access to it",
            )
        except Exception as e:
            return _failed("tracker queue", e, "give the robot access to the queue", "Tracker")
        return ok("tracker queue", f"{queue.key} «{queue.name}»")

    def _local_fields(self) -> CheckResult:
        check = "tracker local fields"
        try:
            present = {field.key for field in self._tracker.local_fields(self._settings.queue)}
        except Exception as e:
            return _failed(check, e, "give the robot access to the queue's settings", "Tracker")
        missing = [spec.key for spec in BRIDGE_FIELDS if spec.key not in present]
        if missing:
            return fail(check, "missing " + ", ".join(missing), RUN_SETUP)
        return ok(check, ", ".join(spec.key for spec in BRIDGE_FIELDS))

    def _triggers(self, robot_login: str) -> list[CheckResult]:
        try:
            triggers = self._tracker.triggers(self._settings.queue)
        except Exception as e:
            fix = "give the robot the right to manage the queue (setup needs it too)"
            return [_failed("tracker triggers", e, fix, "Tracker")]
        found = {}
        for trigger in reversed(triggers):
            found[trigger.name] = trigger  # the first one of a name is the one setup maintains
        desired = self._desired_triggers(robot_login)
        return [self._trigger(name, found.get(name), desired.get(name)) for name in (COMMENT_TRIGGER, STATUS_TRIGGER)]

    def _desired_triggers(self, robot_login: str) -> dict[str, TriggerSpec]:
        public_url, secret = self._settings.public_url, self._settings.tracker_webhook_secret
        if not (public_url and secret):
            return {}
        markers = self._settings.internal_note_markers
        return {spec.name: spec for spec in bridge_triggers(public_url, secret, robot_login, markers)}

    def _trigger(self, name: str, trigger: Trigger | None, desired: TriggerSpec | None) -> CheckResult:
        check = f'tracker trigger "{name}"'
        if trigger is None:
            return fail(check, "missing", RUN_SETUP)
        if not trigger.active:
            return fail(check, "inactive", RUN_SETUP)
        endpoint = _endpoint(trigger)
        if not self._settings.tracker_webhook_secret:
            return fail(
                check,
                "TRACKER_WEBHOOK_SECRET is not set: the bridge refuses every call of this trigger",
                "set TRACKER_WEBHOOK_SECRET and " + RUN_SETUP,
            )
        if desired is None:
            return warn(check, f"calls {endpoint}; PUBLIC_URL is not set, so it cannot be checked", "set PUBLIC_URL")
        differences = trigger_differences(desired, trigger)
        if not differences:
            return ok(check, f"active, calls {endpoint}")
        problem = "differs from what setup creates: " + ", ".join(differences)
        if "endpoint" in differences:
            problem += f" (calls {endpoint}, not PUBLIC_URL)"
        if SERIOUS_DIFFERENCES.intersection(differences):
            return fail(check, problem, RUN_SETUP)
        return warn(check, problem, RUN_SETUP + " unless the conditions were changed on purpose")

    # Yandex 360
    def _directory_check(self) -> CheckResult:
        check = "y360 directory"
        if self._directory is None:
            domain = self._settings.email_domain or "not set"
            return warn(
                check,
                f"not configured: mentions fall back to Tracker's user record and PACHCA_EMAIL_DOMAIN ({domain})",
                "set Y360_OAUTH and Y360_ORG_ID to look people up in the Yandex 360 directory",
            )
        try:
            count = self._directory.count_users()
        except Exception as e:
            fix = "check Y360_OAUTH (an org admin's token with directory:read_users) and Y360_ORG_ID"
            return _failed(check, e, fix, "Yandex 360")
        return ok(check, f"{count} people in the organisation")

    # state
    def _state(self) -> list[CheckResult]:
        try:
            store = self._open_state()
            store.ping()
            stats = store.stats()
        except Exception as e:
            return [fail("state store", _problem(e), "check STATE_URL and that its database is reachable")]
        results = [ok("state store", f"answers; outbox: {stats.pending} pending, {stats.dead} dead")]
        if not stats.dead:
            return [*results, ok("dead events", "none")]
        try:
            dead = store.dead(DEAD_TO_LIST)
        except Exception as e:
            return [*results, fail("dead events", _problem(e), "check that the state store is reachable")]
        listed = "; ".join(
            f"{event.key} ({event.kind}, {event.attempts} attempts: {event.last_error or 'no error recorded'})"
            for event in dead
        )
        return [
            *results,
            warn(
                "dead events",
                f"{stats.dead} events were given up after retries: {listed}",
                "fix the cause shown; dead events are kept but never retried",
            ),
        ]


def _token(token: TokenInfo) -> CheckResult:
    missing = [scope for scope in NEEDED_SCOPES if token.scopes and scope not in token.scopes]
    if missing:
        return warn(
            "pachca token",
            f"the token of user {token.user_id} lacks the scopes " + ", ".join(missing),
            "give the bot these scopes in its settings",
        )
    return ok("pachca token", f"valid, bot user {token.user_id}")


def _endpoint(trigger: Trigger) -> str:
    return next((str(action.get("endpoint")) for action in trigger.actions if action.get("endpoint")), "nowhere")


def _failed(check: str, error: Exception, fix: str, service: str) -> CheckResult:
    if isinstance(error, TransientFailure):
        fix = f"make sure {service} is reachable from here (API URL, proxy, firewall), then run doctor again"
    return fail(check, _problem(error), fix)


def _problem(error: Exception) -> str:
    text = (str(error) or type(error).__name__).splitlines()[0]
    if isinstance(error, PermanentFailure) and error.status == 401:
        text = "the token was refused (401)"
    elif isinstance(error, PermanentFailure) and error.status == 403:
        text = "access denied (403): " + text
    return text if len(text) <= PROBLEM_LIMIT else text[: PROBLEM_LIMIT - 1] + "…"
