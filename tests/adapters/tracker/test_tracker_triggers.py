"""How a trigger Tracker stores is compared with the one the bridge wants: by aspect, tolerating what Tracker adds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from adapters.tracker.trigger_diff import differences
from adapters.tracker.triggers import StoredTrigger
from ports.triggers import BridgeTrigger
from tests.application.admin.test_setup import SECRET, desired, stored_like_tracker

# --- the comparison alone ------------------------------------------------------------------------------------------


def tracker_copy(spec: BridgeTrigger, **changes: Any) -> StoredTrigger:
    return replace(stored_like_tracker(spec, "1", 1), **changes)


def test_what_tracker_adds_is_no_difference() -> None:
    spec = desired()
    stored = tracker_copy(spec)
    regrouped = tracker_copy(spec, conditions=({"type": "and", "conditions": list(reversed(stored.conditions))},))
    header_case = tracker_copy(spec, actions=({**stored.actions[0], "headers": {"x-tracker-secret": SECRET}},))

    assert differences(spec, stored) == []
    assert differences(spec, regrouped) == []
    assert differences(spec, header_case) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"endpoint": "https://elsewhere.example.com"}, ["endpoint"]),
        ({"headers": {}}, ["headers"]),
        ({"body": '{"type":"issueCommentEvent"}'}, ["body"]),
        ({"method": "PUT"}, ["webhook"]),
        ({"endpoint": "https://elsewhere.example.com", "body": ""}, ["endpoint", "body"]),
    ],
)
def test_each_aspect_of_the_webhook_is_compared(change: dict[str, Any], expected: list[str]) -> None:
    spec = desired()
    stored = tracker_copy(spec)

    assert differences(spec, replace(stored, actions=({**stored.actions[0], **change},))) == expected


def test_conditions_active_and_extra_actions_are_compared() -> None:
    spec = desired()
    stored = tracker_copy(spec)
    other_robot = [{**c, "user": "somebody"} if c["type"] == "CommentAuthorNot" else c for c in stored.conditions]

    assert differences(spec, replace(stored, conditions=stored.conditions[:2])) == ["conditions"]
    assert differences(spec, replace(stored, conditions=(*stored.conditions, {"type": "X"}))) == ["conditions"]
    assert differences(spec, replace(stored, conditions=tuple(other_robot))) == ["conditions"]
    assert differences(spec, replace(stored, active=False)) == ["active"]
    assert differences(spec, replace(stored, actions=(*stored.actions, {"type": "Webhook"}))) == ["webhook"]
