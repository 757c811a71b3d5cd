"""Buttons in a custom workflow: statuses are judged by Tracker's status types, not by their keys."""

from __future__ import annotations

from application.events import ButtonClicked
from ports.errors import PermanentFailure
from ports.tracker import Transition
from tests.builders import message
from tests.conftest import AGENT, Bridge

KEY = "SERVICEDESK-1"
CUSTOM = {
    "triage": [Transition("toFix", "Чинить", "fixing", "Чиним"), Transition("ship", "Отгрузить", "shipped", "Готово")],
    "fixing": [Transition("ship", "Отгрузить", "shipped", "Готово")],
    "shipped": [Transition("again", "Вернуть", "triage", "Разбор")],
}


def opened(bridge: Bridge) -> int:
    bridge.deliver(message(56431))
    return bridge.messenger.posts[0].message_id


def click(bridge: Bridge, card: int, data: str, trigger: str) -> str:
    return bridge.deliver(ButtonClicked(card, 2637266155, AGENT, data, trigger))


def actions(bridge: Bridge, card: int) -> list[str | None]:
    return [b.data for b in bridge.messenger.edits[card][1][1]]


def custom(bridge: Bridge) -> None:
    bridge.tracker.workflow = CUSTOM
    bridge.tracker.display = {"triage": "Разбор", "fixing": "Чиним", "shipped": "Готово"}
    bridge.tracker.statuses = {"triage": "new", "fixing": "inProgress", "shipped": "done"}
    bridge.tracker.issues[KEY].status = "triage"


def test_take_close_and_reopen_work_in_a_workflow_with_its_own_status_keys(bridge: Bridge) -> None:
    card = opened(bridge)
    custom(bridge)

    assert click(bridge, card, f"take:{KEY}", "a") == "status_changed"
    assert bridge.tracker.issues[KEY].status == "fixing"
    assert actions(bridge, card) == [f"close:{KEY}"]

    assert click(bridge, card, f"close:{KEY}", "b") == "status_changed"
    assert bridge.tracker.issues[KEY].status == "shipped"
    assert bridge.tracker.issues[KEY].resolution == "fixed"  # a done status is closing: it gets a resolution
    assert actions(bridge, card) == [f"reopen:{KEY}"]

    assert click(bridge, card, f"reopen:{KEY}", "c") == "status_changed"
    assert bridge.tracker.issues[KEY].status == "triage"
    assert bridge.tracker.calls["status_types"] == 1  # read once, then kept


def test_when_tracker_will_not_list_statuses_the_default_keys_still_work(bridge: Bridge) -> None:
    bridge.tracker.statuses = PermanentFailure("tracker: 403 on GET /v2/statuses", 403)
    card = opened(bridge)

    assert click(bridge, card, f"close:{KEY}", "a") == "status_changed"
    assert bridge.tracker.issues[KEY].status == "closed"
    assert actions(bridge, card) == [f"reopen:{KEY}"]
    assert click(bridge, card, f"reopen:{KEY}", "b") == "status_changed"
    assert bridge.tracker.calls["status_types"] == 1  # the refusal is kept for a while too
