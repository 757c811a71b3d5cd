"""`servicedesk-bot setup`: the queue's local fields and the two Tracker triggers that call the bridge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.links import LINK_FIELDS
from ports.admin import JsonObject, LocalFieldSpec, TrackerAdmin, Trigger, TriggerSpec
from ports.errors import ExternalServiceError

BRIDGE_FIELDS = tuple(LocalFieldSpec(f.key, f.name_en, f.name_ru, f.description) for f in LINK_FIELDS)

COMMENT_TRIGGER = "pachca-bridge: comment created"
STATUS_TRIGGER = "pachca-bridge: status changed"
COMMENT_EVENT_BODY = (
    '{"type":"issueCommentEvent","issue":{"key":"{{issue.key}}"},"comment":{"id":"{{userComment.id}}"}}'
)
STATUS_EVENT_BODY = '{"type":"issueStatusEvent","issue":{"key":"{{issue.key}}"}}'
SECRET_HEADER = "X-Tracker-Secret"  # noqa: S105 - a header name, not a secret
WEBHOOK_ASPECTS = ("endpoint", "headers", "body")


def bridge_triggers(public_url: str, webhook_secret: str, robot_login: str) -> tuple[TriggerSpec, TriggerSpec]:
    """The comment and status triggers (docs/tracker.md, «Triggers»; docs/interface.md, «HTTP interface»)."""
    comment = TriggerSpec(
        name=COMMENT_TRIGGER,
        conditions=(
            {"type": "Event.comment-create"},
            {"type": "CommentAuthorNot", "user": robot_login},
            {"type": "CommentMessageInternal"},
        ),
        webhook=_webhook(public_url, webhook_secret, COMMENT_EVENT_BODY),
    )
    status = TriggerSpec(
        name=STATUS_TRIGGER,
        conditions=({"type": "Event.update"}, {"type": "FieldChangedCondition", "field": "status"}),
        webhook=_webhook(public_url, webhook_secret, STATUS_EVENT_BODY),
    )
    return comment, status


def _webhook(endpoint: str, secret: str, body: str) -> dict[str, Any]:
    return {
        "type": "Webhook",
        "endpoint": endpoint,
        "method": "POST",
        "contentType": "application/json; charset=UTF-8",
        "authContext": {"type": "noauth"},
        "headers": {SECRET_HEADER: secret},
        "body": body,
    }


def trigger_differences(desired: TriggerSpec, actual: Trigger) -> list[str]:
    """What differs, by aspect: `active`, `conditions`, `endpoint`, `headers`, `body`, `webhook` (anything else of
    the action). What Tracker adds of its own (ids, links, defaults) is not a difference."""
    differences = []
    if actual.active != desired.active:
        differences.append("active")
    if not _same_conditions(desired.conditions, actual.conditions):
        differences.append("conditions")
    if len(actual.actions) != 1:
        return [*differences, "webhook"]
    action = actual.actions[0]
    wanted = desired.webhook
    differences += [aspect for aspect in WEBHOOK_ASPECTS if not _contains(action.get(aspect), wanted.get(aspect))]
    rest = {key: value for key, value in wanted.items() if key not in WEBHOOK_ASPECTS}
    if not _contains(action, rest):
        differences.append("webhook")
    return differences


def _same_conditions(wanted: Sequence[JsonObject], actual: Sequence[JsonObject]) -> bool:
    """Top-level conditions are AND-ed, in any order; Tracker may return them as one `And` group."""
    if len(actual) == 1 and str(actual[0].get("type", "")).casefold() == "and":
        actual = actual[0].get("conditions") or ()
    unmatched = list(actual)
    for condition in wanted:
        match = next((candidate for candidate in unmatched if _contains(candidate, condition)), None)
        if match is None:
            return False
        unmatched.remove(match)
    return not unmatched


def _contains(actual: Any, wanted: Any) -> bool:
    """`actual` holds everything `wanted` does (Tolerant Reader: keys Tracker adds are ignored)."""
    if isinstance(wanted, Mapping):
        return isinstance(actual, Mapping) and all(
            _contains(_get_folded(actual, key), value) for key, value in wanted.items()
        )
    if isinstance(wanted, list | tuple):
        return (
            isinstance(actual, list | tuple)
            and len(actual) == len(wanted)
            and all(_contains(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    if isinstance(wanted, str) and isinstance(actual, Mapping):  # a user named by login, stored as an object
        return wanted in {str(value) for value in actual.values() if isinstance(value, str | int)}
    return bool(actual == wanted)


def _get_folded(mapping: Mapping[str, Any], key: str) -> Any:
    """Header names and the like are case-insensitive."""
    if key in mapping:
        return mapping[key]
    return next((value for name, value in mapping.items() if name.casefold() == key.casefold()), None)


class SetupIncomplete(Exception):
    """A call failed part-way; `done` lists what was already done."""

    def __init__(self, done: list[str], error: ExternalServiceError) -> None:
        super().__init__(str(error))
        self.done = done


class SetupTracker:
    """Brings the queue up to what the bridge needs.

    - Idempotent: run it again and every item reads `exists` or `unchanged`.
    - Local fields are matched by key; only missing ones are created, existing ones are never changed.
    - Triggers are matched by name; one that differs in any aspect the bridge relies on is updated in place, at the
      version read, so a concurrent edit in Tracker is refused rather than overwritten.
    - The comment trigger ignores comments by the token's own account (the robot), so the bridge never echoes itself.
    - A dry run reads everything and writes nothing.
    """

    def __init__(self, admin: TrackerAdmin, queue: str, public_url: str, webhook_secret: str) -> None:
        self._admin = admin
        self._queue = queue
        self._public_url = public_url
        self._webhook_secret = webhook_secret

    def execute(self, dry_run: bool = False) -> list[str]:
        done: list[str] = []
        try:
            self._fields(dry_run, done)
            self._triggers(dry_run, done)
        except ExternalServiceError as e:
            raise SetupIncomplete(done, e) from e
        return done

    def _fields(self, dry_run: bool, done: list[str]) -> None:
        existing = {field.key for field in self._admin.local_fields(self._queue)}
        for spec in BRIDGE_FIELDS:
            if spec.key in existing:
                done.append(f"exists local field {spec.key}")
            elif dry_run:
                done.append(f"would create local field {spec.key}")
            else:
                self._admin.create_local_field(self._queue, spec)
                done.append(f"created local field {spec.key}")

    def _triggers(self, dry_run: bool, done: list[str]) -> None:
        robot = self._admin.myself()
        desired = bridge_triggers(self._public_url, self._webhook_secret, robot.nickname or robot.id)
        existing = {}
        for trigger in reversed(self._admin.triggers(self._queue)):
            existing[trigger.name] = trigger  # the first one of a name wins
        for spec in desired:
            done.append(self._trigger(spec, existing.get(spec.name), dry_run))

    def _trigger(self, spec: TriggerSpec, current: Trigger | None, dry_run: bool) -> str:
        if current is None:
            if not dry_run:
                self._admin.create_trigger(self._queue, spec)
            return f'{"would create" if dry_run else "created"} trigger "{spec.name}"'
        differences = trigger_differences(spec, current)
        if not differences:
            return f'unchanged trigger "{spec.name}"'
        if not dry_run:
            self._admin.update_trigger(self._queue, current, spec)
        return f'{"would update" if dry_run else "updated"} trigger "{spec.name}" ({", ".join(differences)})'
