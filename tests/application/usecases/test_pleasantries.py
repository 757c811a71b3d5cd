"""A top-level «спасибо» opens no ticket and gets no answer; the same word inside a request opens one."""

from __future__ import annotations

from tests.builders import message
from tests.conftest import Bridge, make_bridge


def test_a_pleasantry_opens_nothing_and_gets_no_answer(bridge: Bridge) -> None:
    assert bridge.deliver(message(1, "Спасибо!!")) == "pleasantry"
    assert bridge.deliver(message(2, "👍👍👍")) == "pleasantry"

    assert bridge.tracker.issues == {}
    assert bridge.messenger.posts == [] and bridge.messenger.calls["open_thread"] == 0


def test_a_pleasantry_inside_a_longer_message_still_opens_a_ticket(bridge: Bridge) -> None:
    assert bridge.deliver(message(3, "Спасибо, но принтер так и не печатает")) == "created"

    assert [i.new.summary for i in bridge.tracker.issues.values()] == ["Спасибо, но принтер так и не печатает"]


def test_ignore_messages_replaces_the_list_and_empty_turns_it_off() -> None:
    custom = make_bridge({"IGNORE_MESSAGES": "thanks;ty"})
    assert custom.deliver(message(4, "Thanks!")) == "pleasantry"
    assert custom.deliver(message(5, "спасибо")) == "created"

    off = make_bridge({"IGNORE_MESSAGES": ""})
    assert off.deliver(message(6, "спасибо")) == "created"
