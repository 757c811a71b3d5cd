from __future__ import annotations

import threading

from application.events import FormSubmitted, MessagePosted
from entrypoints.sandbox.in_memory import FakeIssue
from ports.errors import OutcomeUnknown, TransientFailure
from tests.builders import SUPPORT_CHAT, message, only
from tests.conftest import REQUESTER, Bridge, make_bridge


def the_issue(bridge: Bridge) -> FakeIssue:
    issue: FakeIssue = only(list(bridge.tracker.issues.values()))
    return issue


def test_a_message_opens_one_issue_with_every_field_and_a_card_in_its_thread(bridge: Bridge) -> None:
    outcome = bridge.deliver(message(56431, "Не работает вход в 1С\nОшибка 403 при входе"))

    assert outcome == "created"
    issue = the_issue(bridge)
    thread = bridge.messenger.threads[56431]
    assert issue.new.summary == "Не работает вход в 1С"
    assert "Ошибка 403 при входе" in issue.new.description
    assert "Олег Петров (@olegpetrov)" in issue.new.description
    assert "https://app.pachca.com/chats/918264?message=56431" in issue.new.description
    assert issue.new.tags == ("Создана в Пачке",)
    assert issue.new.unique == "pachca-message-56431"
    assert issue.fields == {
        "pachcaMessageId": "56431",
        "pachcaChatId": str(SUPPORT_CHAT),
        "pachcaUserId": str(REQUESTER),
        "pachcaThreadId": str(thread.thread_id),
    }
    card = only(bridge.messenger.thread_posts(thread.thread_id))
    assert "SERVICEDESK-1" in card.text
    flat = [b for row in card.buttons for b in row]
    assert any(b.url == "https://tracker.yandex.ru/SERVICEDESK-1" for b in flat)
    assert {b.data for b in flat if b.data} == {"take:SERVICEDESK-1", "close:SERVICEDESK-1", "mine"}


def test_the_same_message_delivered_again_changes_nothing(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.reset_calls()

    assert bridge.deliver(message(56431)) == "duplicate"
    assert len(bridge.tracker.issues) == 1
    assert len(bridge.messenger.posts) == 1
    assert bridge.calls() == 0


def test_concurrent_deliveries_of_one_message_open_one_issue_and_post_one_card(bridge: Bridge) -> None:
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def deliver() -> None:
        barrier.wait()
        outcomes.append(bridge.deliver(message(777)))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["created"] + ["duplicate"] * 7
    assert len(bridge.tracker.issues) == 1
    assert len(bridge.messenger.posts) == 1


def test_messages_of_the_bot_and_of_other_bots_open_nothing(bridge: Bridge) -> None:
    bridge.messenger.add_user(4242, "Jira bot", "jira", bot=True)

    assert bridge.deliver(message(1, user_id=bridge.messenger.bot_id)) == "own_message"
    assert bridge.deliver(message(2, user_id=4242)) == "bot_message"
    assert bridge.tracker.issues == {}
    assert bridge.messenger.posts == []


def test_the_bots_own_post_is_recognised_by_id_even_from_another_user_id(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    card = bridge.messenger.posts[0]

    echo = MessagePosted(card.message_id, SUPPORT_CHAT, REQUESTER, card.text, "")
    assert bridge.deliver(echo) == "own_message"
    assert len(bridge.tracker.issues) == 1


def test_only_support_chats_open_tickets_when_they_are_listed() -> None:
    bridge = make_bridge({"SUPPORT_CHAT_IDS": f"{SUPPORT_CHAT}, 5"})

    assert bridge.deliver(message(1, chat_id=123)) == "ignored"
    assert bridge.deliver(message(2, chat_id=SUPPORT_CHAT)) == "created"
    direct = MessagePosted(3, 777, REQUESTER, "Помогите", "", direct=True)
    assert bridge.deliver(direct) == "created"
    assert len(bridge.tracker.issues) == 2


def test_a_retry_after_a_failed_card_reuses_the_stored_issue(bridge: Bridge) -> None:
    bridge.messenger.faults.add("post_to_thread", TransientFailure("pachca: 503"))
    assert bridge.deliver(message(56431)) == "queued"
    assert len(bridge.tracker.issues) == 1

    done, left = bridge.drain()

    assert (done, left) == (1, 0)
    assert bridge.tracker.conflicts == 0  # the link was stored: the retry did not even ask Tracker again
    assert len(bridge.tracker.issues) == 1
    assert len(bridge.messenger.posts) == 1


def test_a_409_on_create_recovers_the_existing_issue_instead_of_a_second() -> None:
    bridge = make_bridge()
    bridge.deliver(message(56431))
    fresh = make_bridge()  # another instance with an empty store, the same Tracker and Pachca
    fresh.container.outside.tracker.override(bridge.tracker)
    fresh.container.outside.messenger.override(bridge.messenger)

    assert fresh.deliver(message(56431)) == "created"
    assert bridge.tracker.conflicts == 1
    assert len(bridge.tracker.issues) == 1


def test_a_lost_answer_to_the_card_post_is_checked_before_posting_again(bridge: Bridge) -> None:
    bridge.messenger.faults.add("post_to_thread", OutcomeUnknown("pachca: read timeout"))

    assert bridge.deliver(message(56431)) == "created"

    assert len(bridge.messenger.posts) == 1  # found in the thread, not posted twice
    assert bridge.messenger.calls["recent_messages"] == 1


def test_a_card_post_lost_before_it_happened_is_posted_by_the_drain(bridge: Bridge) -> None:
    bridge.messenger.faults.add("post_to_thread", TransientFailure("pachca: 429"))

    assert bridge.deliver(message(56431)) == "queued"
    assert bridge.messenger.posts == []
    bridge.drain()

    assert len(bridge.messenger.posts) == 1
    assert bridge.drain() == (0, 0)


def test_warm_calls_for_a_ticket_are_thread_issue_and_card(bridge: Bridge) -> None:
    bridge.deliver(message(1))
    bridge.reset_calls()

    bridge.deliver(message(2))

    # and the message's files, which a webhook does not list
    assert dict(bridge.messenger.calls) == {"open_thread": 1, "message_files": 1, "post_to_thread": 1}
    assert dict(bridge.tracker.calls) == {"create_issue": 1}


def test_a_form_ticket_links_the_bots_post_of_the_request_even_when_opened_on_a_retry(bridge: Bridge) -> None:
    values = (("description", "Нет доступа к 1С"),)
    bridge.messenger.faults.add("open_thread", TransientFailure("pachca: 503"))

    assert bridge.deliver(FormSubmitted(REQUESTER, SUPPORT_CHAT, "intake_form", "{}", values)) == "queued"
    assert bridge.drain() == (1, 0)  # the request was posted on the first attempt: the retry only links it

    request = only(bridge.messenger.chat_posts(SUPPORT_CHAT))
    link = f"https://app.pachca.com/chats/{SUPPORT_CHAT}?message={request.message_id}"
    assert link in the_issue(bridge).new.description


def test_while_tracker_is_down_the_thread_says_the_request_is_accepted_once_then_gets_the_card(bridge: Bridge) -> None:
    bridge.tracker.faults.add("create_issue", TransientFailure("tracker: 503"))
    bridge.tracker.faults.add("create_issue", TransientFailure("tracker: 503"))

    assert bridge.deliver(message(56431)) == "queued"
    thread = bridge.messenger.threads[56431]
    assert [p.text for p in bridge.messenger.thread_posts(thread.thread_id)] == ["Заявка принята, создаём…"]
    assert bridge.drain() == (0, 1)  # Tracker still down: nothing said twice

    bridge.clock.advance(3600)  # past the backoff
    assert bridge.drain() == (1, 0)
    texts = [p.text for p in bridge.messenger.thread_posts(thread.thread_id)]
    assert texts[0] == "Заявка принята, создаём…" and len(texts) == 2 and "SERVICEDESK-1" in texts[1]


def test_a_form_request_names_its_topic_and_author_without_declension(bridge: Bridge) -> None:
    values = (("topic", "Оборудование"), ("description", "Сломалась мышь"))

    bridge.deliver(FormSubmitted(REQUESTER, SUPPORT_CHAT, "intake_form", "{}", values))

    request = only(bridge.messenger.chat_posts(SUPPORT_CHAT))
    assert request.text == "Заявка (Оборудование). Автор: Олег Петров\nСломалась мышь"
