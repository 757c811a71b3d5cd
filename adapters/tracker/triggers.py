"""The bridge's triggers in Tracker's own JSON (see docs/tracker.md, «Triggers»)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ports.triggers import BridgeTrigger, FiresOn, Trigger

JsonObject = Mapping[str, Any]

SECRET_HEADER = "X-Tracker-Secret"  # noqa: S105 - a header name, not a secret
# Tracker's condition reference names the field `word` in its table and writes `words` in its example for
# `CommentNoneMatchCondition`: the bridge writes `words` and takes either back (docs/tracker.md, «Triggers»)
NONE_MATCH = "CommentNoneMatchCondition"
WORDS = "words"
WORD = "word"


def words_spelling(condition: JsonObject) -> str | None:
    """Which spelling a stored internal-note condition uses for its words, or None for another condition."""
    if condition.get("type") != NONE_MATCH:
        return None
    return WORDS if WORDS in condition else WORD if WORD in condition else None


def with_words(condition: JsonObject) -> JsonObject:
    """A stored condition with its words under `words`, whichever spelling Tracker kept."""
    if words_spelling(condition) != WORD:
        return condition
    words = condition[WORD]
    rest = {key: value for key, value in condition.items() if key != WORD}
    return {**rest, WORDS: words if isinstance(words, list) else [words]}


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
        notes = ({"type": NONE_MATCH, WORDS: list(wanted.internal_markers), "ignoreCase": True},)
        return (
            {"type": "Event.comment-create"},
            {"type": "CommentAuthorNot", "user": wanted.robot_uid},  # a uid: a login of digits may be misread
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
