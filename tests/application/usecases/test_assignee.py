"""An assignee change in Tracker (trigger `issueAssigneeEvent`) is told to the requester in the ticket's thread once."""

from __future__ import annotations

from application.tracker_events import TrackerAssigneeChanged
from domain.people import Person
from domain.text.pachca_text import QUIET
from tests.builders import message
from tests.conftest import Bridge

KEY = "SERVICEDESK-1"
OLEG = Person("1130000000000412", "Олег Петров", "opetrov")


def assignee_event(bridge: Bridge) -> str:
    bridge.clock.advance(1)
    return bridge.deliver(TrackerAssigneeChanged(KEY, bridge.clock.now()))


def told(bridge: Bridge) -> list[str]:
    thread = bridge.messenger.threads[56431]
    return [p.text for p in bridge.messenger.thread_posts(thread.thread_id) if p.text.startswith("Заявку взял")]


def test_a_new_assignee_is_told_in_the_thread_once(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.tracker.issues[KEY].assignee = OLEG

    assert assignee_event(bridge) == "told"
    assert assignee_event(bridge) == "duplicate"  # the trigger delivered again, or late

    assert told(bridge) == ["Заявку взял в работу Олег Петров"]


def test_each_new_assignee_is_told(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    for minute, person in enumerate((OLEG, Person("1130000000002001", "Иван Иванов", "iivanov"), OLEG)):
        bridge.tracker.issues[KEY].assignee = person
        bridge.tracker.issues[KEY].updated_at = f"2026-11-27T10:0{minute}:00.000+0000"  # each change updates it
        assert assignee_event(bridge) == "told"

    assert told(bridge) == [f"Заявку взял в работу {name}" for name in ("Олег Петров", "Иван Иванов", "Олег Петров")]


def test_a_name_typed_in_tracker_notifies_nobody_and_forges_no_line(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.tracker.issues[KEY].assignee = Person("1130000000000999", "@all\nАвтор: Директор", None)

    assert assignee_event(bridge) == "told"

    (text,) = told(bridge)
    assert text == f"Заявку взял в работу @{QUIET}all Автор: Директор"  # one line, `@all` quieted


def test_an_issue_left_without_assignee_is_told_nothing(bridge: Bridge) -> None:
    bridge.deliver(message(56431))

    assert assignee_event(bridge) == "unassigned"
    assert told(bridge) == []
