"""The bridge's triggers in Tracker's own JSON (see docs/tracker.md, «Triggers»)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ports.triggers import BridgeTrigger, FiresOn, Trigger

JsonObject = Mapping[str, Any]

SECRET_HEADER = "X-Tracker-Secret"  # noqa: S105 - a header name, not a secret


@dataclass(frozen=True)
class StoredTrigger(Trigger):
    """A trigger as Tracker stores it, with its conditions and actions as Tracker's JSON objects."""

    conditions: Sequence[JsonObject] = ()
    actions: Sequence[JsonObject] = ()

    @property
    def endpoint(self) -> str:
        return next((str(action["endpoint"]) for action in self.actions if action.get("endpoint")), "")


def conditions(wanted: BridgeTrigger) -> tuple[JsonObject, ...]:
    if wanted.spec.fires_on is FiresOn.COMMENT_CREATED:
        notes = ({"type": "CommentNoneMatchCondition", "words": list(wanted.internal_markers), "ignoreCase": True},)
        return (
            {"type": "Event.comment-create"},
            {"type": "CommentAuthorNot", "user": wanted.robot_login},
            {"type": "CommentMessageInternal"},
            *(notes if wanted.internal_markers else ()),
        )
    return ({"type": "Event.update"}, {"type": "FieldChangedCondition", "field": wanted.spec.field})


def webhook(wanted: BridgeTrigger) -> dict[str, Any]:
    return {
        "type": "Webhook",
        "endpoint": wanted.endpoint,
        "method": "POST",
        "contentType": "application/json; charset=UTF-8",
        "authContext": {"type": "noauth"},
        "headers": {SECRET_HEADER: wanted.secret},
        "body": wanted.spec.body,
    }


def trigger_body(wanted: BridgeTrigger) -> dict[str, Any]:
    return {
        "name": wanted.name,
        "active": wanted.active,
        "conditions": [dict(condition) for condition in conditions(wanted)],
        "actions": [webhook(wanted)],
    }
