"""Follow-ups: a quick second ticket offers «Объединить с <KEY>»; pressed, it folds into the earlier one, once."""

from __future__ import annotations

import threading

from application.events import ButtonClicked
from application.tracker_events import TrackerStatusChanged
from entrypoints.sandbox.in_memory import Post
from tests.builders import message, reply
from tests.conftest import AGENT, REQUESTER, Bridge, make_bridge

FIRST, SECOND = "SERVICEDESK-1", "SERVICEDESK-2"
STRANGER = 3003


def card_of(bridge: Bridge, message_id: int) -> Post:
    return bridge.messenger.thread_posts(bridge.messenger.threads[message_id].thread_id)[0]


def merge_buttons(post: Post) -> list[tuple[str, str | None]]:
    return [(b.text, b.data) for row in post.buttons for b in row if b.text.startswith("Объединить")]


def two_quick_tickets(bridge: Bridge, minutes_apart: float = 3) -> Post:
    bridge.deliver(message(100, "Не работает VPN"))
    bridge.clock.advance(minutes_apart * 60)
    bridge.deliver(message(101, "И почта тоже не открывается"))
    return card_of(bridge, 101)


def merge(bridge: Bridge, card: Post, user_id: int = REQUESTER, trigger: str = "m1") -> str:
    [(_, data)] = merge_buttons(card)
    assert data is not None
    return bridge.deliver(ButtonClicked(card.message_id, card.chat_id, user_id, data, trigger))


def test_a_quick_second_ticket_is_opened_as_usual_and_offers_to_merge_into_the_first(bridge: Bridge) -> None:
    card = two_quick_tickets(bridge)

    assert set(bridge.tracker.issues) == {FIRST, SECOND}
    assert merge_buttons(card) == [(f"Объединить с {FIRST}", f"merge:{SECOND}:{FIRST}")]
    assert merge_buttons(card_of(bridge, 100)) == []


def test_no_offer_after_the_window_in_another_chat_or_with_follow_ups_off(bridge: Bridge) -> None:
    assert merge_buttons(two_quick_tickets(bridge, minutes_apart=11)) == []

    bridge.deliver(message(102, "Третий вопрос", chat_id=918300))
    assert merge_buttons(card_of(bridge, 102)) == []

    off = make_bridge({"FOLLOW_UP_MINUTES": "0"})
    assert merge_buttons(two_quick_tickets(off)) == []


def test_merge_adds_the_message_to_the_earlier_issue_closes_and_links_the_new_one(bridge: Bridge) -> None:
    photo = bridge.messenger.files.add("screen.png", b"\x89PNG....")
    bridge.messenger.message_attachments[101] = [photo]
    card = two_quick_tickets(bridge)

    assert merge(bridge, card) == "merged"

    first, second = bridge.tracker.issues[FIRST], bridge.tracker.issues[SECOND]
    [added] = first.comments
    assert added.text.startswith(f"**Олег Петров** (Пачка), дополнение из заявки {SECOND}:\n\nИ почта тоже")
    assert "Автор: Олег Петров" in added.text
    [attachment] = first.comment_attachments[added.comment_id]
    assert bridge.tracker.files.uploaded[attachment] == ("screen.png", b"\x89PNG....")
    assert (second.status, second.resolution) == ("closed", "duplicate")
    assert second.links == [("duplicates", FIRST)]
    text, buttons = bridge.messenger.edits[card.message_id]
    assert f"Объединена с **{FIRST}**" in text and merge_buttons(Post(0, "", text, buttons, 0, 0)) == []


def test_after_the_merge_the_new_threads_replies_go_to_the_earlier_issue(bridge: Bridge) -> None:
    merge(bridge, two_quick_tickets(bridge))

    bridge.deliver(reply(bridge.messenger.threads[101], 555, "Вот ещё скриншот"))

    assert any("Вот ещё скриншот" in c.text for c in bridge.tracker.issues[FIRST].comments)
    assert not any("Вот ещё скриншот" in c.text for c in bridge.tracker.issues[SECOND].comments)


def test_the_same_merge_pressed_twice_merges_once(bridge: Bridge) -> None:
    card = two_quick_tickets(bridge)

    assert merge(bridge, card, trigger="a") == "merged"
    assert merge(bridge, card, user_id=AGENT, trigger="b") == "already_merged"

    assert len(bridge.tracker.issues[FIRST].comments) == 1
    assert bridge.tracker.calls["execute_transition"] == 1 and bridge.tracker.calls["link"] == 1


def test_two_presses_at_once_merge_once(bridge: Bridge) -> None:
    card = two_quick_tickets(bridge)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def press(n: int) -> None:
        barrier.wait()
        outcomes.append(merge(bridge, card, trigger=f"t{n}"))

    threads = [threading.Thread(target=press, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("merged") == 1
    assert set(outcomes) <= {"merged", "already_merged", "in_progress"}
    assert len(bridge.tracker.issues[FIRST].comments) == 1


def test_a_merge_that_fails_part_way_is_finished_by_the_drain_without_repeating_a_step(bridge: Bridge) -> None:
    from ports.errors import TransientFailure

    card = two_quick_tickets(bridge)
    bridge.tracker.faults.add("link", TransientFailure("tracker: 503"))

    assert merge(bridge, card) == "will_retry"
    assert len(bridge.tracker.issues[FIRST].comments) == 1
    bridge.drain()

    assert bridge.tracker.issues[SECOND].links == [("duplicates", FIRST)]
    assert len(bridge.tracker.issues[FIRST].comments) == 1 and bridge.tracker.calls["execute_transition"] == 1


def test_only_the_requester_or_an_agent_may_merge() -> None:
    bridge = make_bridge({"AGENT_PACHCA_USER_IDS": str(AGENT)})
    bridge.messenger.add_user(STRANGER, "Пётр Сидоров", "psidorov")
    card = two_quick_tickets(bridge)

    assert merge(bridge, card, user_id=STRANGER, trigger="x") == "forbidden"
    assert bridge.tracker.issues[SECOND].status == "open"
    assert merge(bridge, card, user_id=AGENT, trigger="y") == "merged"


def test_a_forged_merge_into_another_issue_changes_nothing(bridge: Bridge) -> None:
    card = two_quick_tickets(bridge)
    bridge.deliver(message(300, "Совсем другое", user_id=AGENT))

    forged = ButtonClicked(card.message_id, card.chat_id, REQUESTER, f"merge:{SECOND}:SERVICEDESK-3", "f")
    assert bridge.deliver(forged) == "ignored"
    assert bridge.tracker.issues[SECOND].status == "open"


def test_a_merged_ticket_closing_asks_for_no_rating(bridge: Bridge) -> None:
    merge(bridge, two_quick_tickets(bridge))
    bridge.clock.advance(1)
    bridge.deliver(TrackerStatusChanged(SECOND, bridge.clock.now()))

    thread = bridge.messenger.threads[101].thread_id
    assert not any(p.text.startswith("Оцените") for p in bridge.messenger.thread_posts(thread))
