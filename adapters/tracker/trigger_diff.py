"""How a trigger Tracker stores is compared with the one the bridge wants: by aspect, tolerating what Tracker adds
(its ids, links and defaults, users as objects, an `And` group, header names in any case)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.http.tolerant_json import contains
from adapters.tracker.triggers import JsonObject, StoredTrigger, conditions, webhook, with_words
from ports.triggers import BridgeTrigger, Trigger

WEBHOOK_ASPECTS = ("endpoint", "headers", "body")


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
    found = [aspect for aspect in WEBHOOK_ASPECTS if not contains(action.get(aspect), wanted.get(aspect))]
    rest = {key: value for key, value in wanted.items() if key not in WEBHOOK_ASPECTS}
    return found if contains(action, rest) else [*found, "webhook"]


def top_level(stored: Sequence[JsonObject]) -> Sequence[JsonObject]:
    """The AND-ed conditions, whether Tracker lists them or returns them as one `And` group."""
    if len(stored) == 1 and str(stored[0].get("type", "")).casefold() == "and":
        return stored[0].get("conditions") or ()
    return stored


def _same_conditions(wanted: Sequence[JsonObject], actual: Sequence[JsonObject]) -> bool:
    """Top-level conditions are AND-ed, in any order; Tracker may return them as one `And` group, and the words of
    the internal-note condition under `word` or `words`."""
    unmatched = [with_words(condition) for condition in top_level(actual)]
    for condition in wanted:
        match = next((candidate for candidate in unmatched if contains(candidate, condition)), None)
        if match is None:
            return False
        unmatched.remove(match)
    return not unmatched
