"""The rating after closing (CSAT): asked once per closing, only the requester's press counts, «Не решено» reopens."""

from __future__ import annotations

from application.events import ButtonClicked
from application.tracker_events import TrackerStatusChanged
from entrypoints.sandbox.in_memory import Post
from tests.builders import message, only
from tests.conftest import AGENT, REQUESTER, Bridge, make_bridge

KEY = "SERVICEDESK-1"


def closed_ticket(bridge: Bridge) -> int:
    """Opens a ticket, closes it in Tracker, delivers the trigger: the thread's id."""
    bridge.deliver(message(56431))
    bridge.tracker.issues[KEY].status = "closed"
    status_event(bridge)
    return bridge.messenger.threads[56431].thread_id


def status_event(bridge: Bridge) -> str:
    bridge.clock.advance(1)
    return bridge.deliver(TrackerStatusChanged(KEY, bridge.clock.now()))


def requests_in(bridge: Bridge, thread_id: int) -> list[Post]:
    return [p for p in bridge.messenger.thread_posts(thread_id) if p.text.startswith("Оцените, пожалуйста, решение")]


def press(bridge: Bridge, post: Post, text: str, user_id: int = REQUESTER, trigger: str = "r1") -> str:
    [data] = [b.data for row in post.buttons for b in row if b.text == text]
    assert data is not None
    return bridge.deliver(ButtonClicked(post.message_id, post.chat_id, user_id, data, trigger))


def test_a_done_ticket_asks_its_requester_once_with_one_to_five_and_not_solved(bridge: Bridge) -> None:
    thread = closed_ticket(bridge)

    asked = only(requests_in(bridge, thread))
    assert [[b.text for b in row] for row in asked.buttons] == [["1", "2", "3", "4", "5"], ["Не решено"]]
    status_event(bridge)  # the same closing, delivered again
    assert len(requests_in(bridge, thread)) == 1
    announced = [p.text for p in bridge.messenger.thread_posts(thread) if p.text.startswith("Статус")]
    assert announced == ["Статус заявки изменён: Закрыт"]  # the announcement is its own handler, untouched


def test_the_requesters_rating_lands_as_a_comment_and_in_the_field_and_a_later_one_replaces_it(
    bridge: Bridge,
) -> None:
    asked = only(requests_in(bridge, closed_ticket(bridge)))

    assert press(bridge, asked, "4", trigger="a") == "rated"
    assert press(bridge, asked, "5", trigger="b") == "rated"

    issue = bridge.tracker.issues[KEY]
    assert issue.fields["pachcaRating"] == "5"
    ratings = [c.text for c in issue.comments if c.text.startswith("Оценка решения")]
    assert ratings == ["Оценка решения в Пачке: 4 из 5 (Олег Петров)", "Оценка решения в Пачке: 5 из 5 (Олег Петров)"]
    text, buttons = bridge.messenger.edits[asked.message_id]
    assert text.endswith("Ваша оценка: 5 из 5. Спасибо!") and len(buttons) == 2


def test_a_rating_pressed_by_someone_else_changes_nothing(bridge: Bridge) -> None:
    asked = only(requests_in(bridge, closed_ticket(bridge)))
    bridge.reset_calls()

    assert press(bridge, asked, "1", user_id=AGENT) == "not_requester"

    issue = bridge.tracker.issues[KEY]
    assert "pachcaRating" not in issue.fields and issue.comments == []
    assert asked.message_id not in bridge.messenger.edits
    assert bridge.tracker.calls["add_comment"] == bridge.tracker.calls["set_local_fields"] == 0


def test_the_same_press_delivered_twice_comments_once(bridge: Bridge) -> None:
    asked = only(requests_in(bridge, closed_ticket(bridge)))

    press(bridge, asked, "3", trigger="same")
    assert press(bridge, asked, "3", trigger="same") == "duplicate"

    assert len(bridge.tracker.issues[KEY].comments) == 1


def test_not_solved_reopens_with_a_comment_saying_who_and_why_and_the_next_closing_asks_again(
    bridge: Bridge,
) -> None:
    thread = closed_ticket(bridge)
    asked = only(requests_in(bridge, thread))

    assert press(bridge, asked, "Не решено") == "reopened"

    issue = bridge.tracker.issues[KEY]
    assert issue.status == "open" and bridge.tracker.calls["execute_transition"] == 1
    [why] = [c.text for c in issue.comments]
    assert why.startswith("Олег Петров отметил(а) в Пачке, что проблема не решена")
    status_event(bridge)  # the reopen's own trigger
    bridge.tracker.issues[KEY].status = "closed"
    status_event(bridge)
    assert len(requests_in(bridge, thread)) == 2


def test_not_solved_by_someone_else_reopens_nothing(bridge: Bridge) -> None:
    asked = only(requests_in(bridge, closed_ticket(bridge)))

    assert press(bridge, asked, "Не решено", user_id=AGENT) == "not_requester"
    assert bridge.tracker.issues[KEY].status == "closed"


def test_a_cancelled_ticket_is_not_asked_and_csat_off_asks_nobody() -> None:
    bridge = make_bridge()
    bridge.tracker.statuses = {"open": "new", "inProgress": "inProgress", "closed": "cancelled"}
    assert requests_in(bridge, closed_ticket(bridge)) == []

    off = make_bridge({"CSAT": "off"})
    assert requests_in(off, closed_ticket(off)) == []
