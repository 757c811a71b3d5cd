"""`servicedesk-bot setup`: the queue's local fields and the Tracker triggers that call the bridge (one for each
kind of the catalogue, `application.tracker_events.TRACKER_EVENTS`)."""

from __future__ import annotations

from collections.abc import Sequence

from application.tracker_events import TRACKER_EVENTS
from domain.comments import DEFAULT_INTERNAL_MARKERS
from domain.tickets import QUEUE_FIELDS
from ports.admin import TrackerAdmin
from ports.errors import ExternalServiceError
from ports.triggers import BridgeTrigger, FiresOn, Trigger

TRIGGER_NAMES = tuple(kind.trigger.name for kind in TRACKER_EVENTS.kinds)


def bridge_triggers(
    public_url: str,
    webhook_secret: str,
    robot_uid: str,
    internal_markers: Sequence[str] = DEFAULT_INTERNAL_MARKERS,
) -> tuple[BridgeTrigger, ...]:
    """A trigger for each kind of the catalogue (see docs/interface.md, «Tracker triggers»); a comment trigger skips
    the robot's comments (by its uid: Tracker may misread a login made of digits) and internal notes, so Tracker does
    not even call for them."""
    markers = tuple(internal_markers)
    return tuple(
        BridgeTrigger(
            kind.trigger,
            public_url,
            webhook_secret,
            robot_uid,
            internal_markers=markers if kind.trigger.fires_on is FiresOn.COMMENT_CREATED else (),
        )
        for kind in TRACKER_EVENTS.kinds
    )


def first_of_each_name(triggers: list[Trigger]) -> dict[str, Trigger]:
    """The first trigger of a name is the one setup maintains."""
    found: dict[str, Trigger] = {}
    for trigger in triggers:
        found.setdefault(trigger.name, trigger)
    return found


class SetupIncomplete(Exception):
    """A call failed part-way; `done` lists what was already done."""

    def __init__(self, done: list[str], error: ExternalServiceError) -> None:
        super().__init__(str(error))
        self.done = done


class SetupTracker:
    """Brings each queue the bridge writes to up to what it needs (with several, each line names its queue).

    - Idempotent: run it again and every item reads `exists` or `unchanged`.
    - Local fields are matched by key; only missing ones are created, existing ones are never changed.
    - Triggers are matched by name; one that differs in any aspect the bridge relies on is updated in place, at the
      version read, so a concurrent edit in Tracker is refused rather than overwritten.
    - A comment trigger ignores comments by the token's own account (the robot, by uid), so the bridge never echoes
      itself, and internal notes (a comment with a marker), so they never leave Tracker.
    - A trigger written is read back and compared again: what Tracker stored in its own spelling is no difference,
      and one it stored otherwise is said, so a second run does not write it again unseen.
    - A dry run reads everything and writes nothing.
    """

    def __init__(
        self,
        admin: TrackerAdmin,
        queue: str | Sequence[str],
        public_url: str,
        webhook_secret: str,
        internal_markers: Sequence[str] = DEFAULT_INTERNAL_MARKERS,
        polling: bool = False,
    ) -> None:
        self._polling = polling  # poll mode: the bridge searches Tracker itself, so no trigger is created
        self._admin = admin
        self._queues = (queue,) if isinstance(queue, str) else tuple(queue)
        self._queue = self._queues[0]
        self._public_url = public_url
        self._webhook_secret = webhook_secret
        self._internal_markers = internal_markers

    def execute(self, dry_run: bool = False) -> list[str]:
        done: list[str] = []
        for queue in self._queues:
            self._queue = queue
            lines: list[str] = []
            try:
                self._fields(dry_run, lines)
                if self._polling:
                    lines.append("no triggers: DELIVERY=poll searches Tracker itself")
                else:
                    self._triggers(dry_run, lines)
            except ExternalServiceError as e:
                raise SetupIncomplete(done + self._named(lines), e) from e
            done += self._named(lines)
        return done

    def _named(self, lines: list[str]) -> list[str]:
        return [f"{self._queue}: {line}" for line in lines] if len(self._queues) > 1 else lines

    def _fields(self, dry_run: bool, done: list[str]) -> None:
        existing = {field.key for field in self._admin.local_fields(self._queue)}
        for spec in QUEUE_FIELDS:
            if spec.key in existing:
                done.append(f"exists local field {spec.key}")
            elif dry_run:
                done.append(f"would create local field {spec.key}")
            else:
                self._admin.create_local_field(self._queue, spec)
                done.append(f"created local field {spec.key}")

    def _triggers(self, dry_run: bool, done: list[str]) -> None:
        robot = self._admin.myself()
        desired = bridge_triggers(self._public_url, self._webhook_secret, robot.id, self._internal_markers)
        existing = first_of_each_name(self._admin.triggers(self._queue))
        written = []
        for wanted in desired:
            line = self._trigger(wanted, existing.get(wanted.name), dry_run)
            done.append(line)
            if line.startswith(("created", "updated")):
                written.append((len(done) - 1, wanted))
        if written:
            stored = first_of_each_name(self._admin.triggers(self._queue))
            for index, wanted in written:
                done[index] += _read_back(self._admin, wanted, stored.get(wanted.name))

    def _trigger(self, wanted: BridgeTrigger, current: Trigger | None, dry_run: bool) -> str:
        if current is None:
            if not dry_run:
                self._admin.create_trigger(self._queue, wanted)
            return f'{"would create" if dry_run else "created"} trigger "{wanted.name}"'
        differences = self._admin.trigger_differences(wanted, current)
        if not differences:
            return f'unchanged trigger "{wanted.name}"'
        if not dry_run:
            self._admin.update_trigger(self._queue, current, wanted)
        return f'{"would update" if dry_run else "updated"} trigger "{wanted.name}" ({", ".join(differences)})'


def _read_back(admin: TrackerAdmin, wanted: BridgeTrigger, stored: Trigger | None) -> str:
    """What reading a written trigger back showed: nothing to add (its own spellings are no difference), or what
    Tracker kept otherwise, which a second run would write again."""
    if stored is None:
        return "; read back: not found"
    differences = admin.trigger_differences(wanted, stored)
    if differences:
        return f"; read back: Tracker stored {', '.join(differences)} otherwise (see `servicedesk-bot doctor`)"
    return ""
