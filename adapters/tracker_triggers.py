"""The bridge's triggers in Tracker's own JSON (see docs/tracker.md, «Triggers»), and how a stored one is compared
with what the bridge wants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.tracker_models import TriggerModel
from ports.admin import BridgeTrigger, Trigger, TriggerKind

JsonObject = Mapping[str, Any]

COMMENT_EVENT_BODY = (
    '{"type":"issueCommentEvent","issue":{"key":"{{issue.key}}"},"comment":{"id":"{{userComment.id}}"}}'
)
STATUS_EVENT_BODY = '{"type":"issueStatusEvent","issue":{"key":"{{issue.key}}"}}'
SECRET_HEADER = "X-Tracker-Secret"  # noqa: S105 - a header name, not a secret
WEBHOOK_ASPECTS = ("endpoint", "headers", "body")


@dataclass(frozen=True)
class StoredTrigger(Trigger):
    """A trigger as Tracker stores it, with its conditions and actions as Tracker's JSON objects."""

    conditions: Sequence[JsonObject] = ()
    actions: Sequence[JsonObject] = ()

    @property
    def endpoint(self) -> str:
        return next((str(action["endpoint"]) for action in self.actions if action.get("endpoint")), "")

    @classmethod
    def read(cls, model: TriggerModel) -> StoredTrigger:
        conditions, actions = tuple(model.conditions), tuple(model.actions)
        return cls(model.id, model.version, model.name, model.active, conditions=conditions, actions=actions)


def conditions(wanted: BridgeTrigger) -> tuple[JsonObject, ...]:
    if wanted.kind is TriggerKind.COMMENT:
        return (
            {"type": "Event.comment-create"},
            {"type": "CommentAuthorNot", "user": wanted.robot_login},
            {"type": "CommentMessageInternal"},
        )
    return ({"type": "Event.update"}, {"type": "FieldChangedCondition", "field": "status"})


def webhook(wanted: BridgeTrigger) -> dict[str, Any]:
    return {
        "type": "Webhook",
        "endpoint": wanted.endpoint,
        "method": "POST",
        "contentType": "application/json; charset=UTF-8",
        "authContext": {"type": "noauth"},
        "headers": {SECRET_HEADER: wanted.secret},
        "body": COMMENT_EVENT_BODY if wanted.kind is TriggerKind.COMMENT else STATUS_EVENT_BODY,
    }


def trigger_body(wanted: BridgeTrigger) -> dict[str, Any]:
    return {
        "name": wanted.name,
        "active": wanted.active,
        "conditions": [dict(condition) for condition in conditions(wanted)],
        "actions": [webhook(wanted)],
    }


def differences(wanted: BridgeTrigger, actual: Trigger) -> list[str]:
    """See `ports.admin.TrackerAdmin.trigger_differences`."""
    stored = actual if isinstance(actual, StoredTrigger) else StoredTrigger(actual.id, 0, actual.name, actual.active)
    found = ["active"] if stored.active != wanted.active else []
    if not _same_conditions(conditions(wanted), stored.conditions):
        found.append("conditions")
    if len(stored.actions) != 1:
        return [*found, "webhook"]
    return found + _webhook_differences(webhook(wanted), stored.actions[0])


def _webhook_differences(wanted: JsonObject, action: JsonObject) -> list[str]:
    found = [aspect for aspect in WEBHOOK_ASPECTS if not _contains(action.get(aspect), wanted.get(aspect))]
    rest = {key: value for key, value in wanted.items() if key not in WEBHOOK_ASPECTS}
    return found if _contains(action, rest) else [*found, "webhook"]


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
