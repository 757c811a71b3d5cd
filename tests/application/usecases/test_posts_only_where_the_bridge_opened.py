"""The bridge posts only into threads it opened for a ticket. A link rebuilt from Tracker's fields is
trusted only when the message's thread already holds the bridge's card for that issue, and only in a support chat
(any chat when none are configured) or a direct conversation; otherwise the event is refused, logged and kept as
refused for `doctor`."""

from __future__ import annotations

from dataclasses import replace

from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged
from domain.people import Person
from domain.tickets import NewIssue, TicketKey
from tests.builders import SUPPORT_CHAT, message, reply
from tests.conftest import REQUESTER, Bridge, make_bridge

PRIVATE_CHAT = 555_001
SECRET_MESSAGE = 777_001
INSIDER = 42
ATTACKER = Person("1130000000000666", "Мошенник", "crook", "crook@example.com")
PHISHING = "Срочно обновите пароль: https://evil.example/login"


def issue_typed_in_tracker(bridge: Bridge, message_id: int) -> str:
    """An issue created directly in Tracker, its link field typed by a person."""
    issue = NewIssue("SERVICEDESK", "Вопрос", "…", "typed-by-hand", (), {"pachcaMessageId": str(message_id)})
    return str(bridge.tracker.create_issue(issue, bridge.tracker.local_field_ids("SERVICEDESK")))


def comment(bridge: Bridge, key: str, text: str = PHISHING) -> str:
    comment_id = bridge.tracker.human_comment(key, ATTACKER, text)
    return bridge.deliver(TrackerCommentAdded(key, comment_id))


def cold_twin(bridge: Bridge, env: dict[str, str] | None = None) -> Bridge:
    """Another instance on an empty store (the function's /tmp SQLite after a cold start), same Pachca and Tracker."""
    cold = make_bridge(env)
    cold.messenger, cold.tracker = bridge.messenger, bridge.tracker
    cold.container.outside.messenger.override(bridge.messenger)
    cold.container.outside.tracker.override(bridge.tracker)
    return cold


def nothing_posted_about(bridge: Bridge, text: str = PHISHING) -> bool:
    return all(text not in post.text for post in bridge.messenger.posts)


def test_a_comment_on_an_issue_pointing_at_a_private_message_opens_no_thread_and_posts_nothing(bridge: Bridge) -> None:
    bridge.messenger.add_message(SECRET_MESSAGE, PRIVATE_CHAT, INSIDER)
    key = issue_typed_in_tracker(bridge, SECRET_MESSAGE)

    assert comment(bridge, key) == "refused"

    assert bridge.messenger.calls["open_thread"] == 0
    assert nothing_posted_about(bridge)
    (dead,) = bridge.state.dead()
    assert dead.last_error is not None and dead.last_error.startswith("refused: ")


def test_a_thread_without_the_bridges_card_is_not_posted_into(bridge: Bridge) -> None:
    bridge.messenger.add_message(SECRET_MESSAGE, PRIVATE_CHAT, INSIDER, thread=True)  # people talk in its thread
    key = issue_typed_in_tracker(bridge, SECRET_MESSAGE)

    assert comment(bridge, key) == "refused"
    assert bridge.deliver(TrackerStatusChanged(key, bridge.clock.now())) == "refused"

    assert [post for post in bridge.messenger.posts if post.user_id == bridge.messenger.bot_id] == []


def test_after_a_cold_start_an_edited_link_field_does_not_redirect_comments(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.messenger.add_message(SECRET_MESSAGE, PRIVATE_CHAT, INSIDER, thread=True)
    bridge.tracker.issues["SERVICEDESK-1"].fields["pachcaMessageId"] = str(SECRET_MESSAGE)

    assert comment(cold_twin(bridge), "SERVICEDESK-1") == "refused"

    assert nothing_posted_about(bridge)


def test_after_a_cold_start_a_genuine_ticket_is_found_through_its_card_without_opening_a_thread(
    bridge: Bridge,
) -> None:
    bridge.deliver(message(56431))
    thread = bridge.messenger.threads[56431]
    bridge.messenger.calls.clear()

    assert comment(cold_twin(bridge), "SERVICEDESK-1", "Проверили, выдали доступ") == "posted"

    assert bridge.messenger.calls["open_thread"] == 0
    assert bridge.messenger.thread_posts(thread.thread_id)[-1].text.endswith("Проверили, выдали доступ")


def test_a_card_naming_another_issue_is_no_proof(bridge: Bridge) -> None:
    bridge.deliver(message(56431))  # SERVICEDESK-1, with its card in the thread of 56431
    key = issue_typed_in_tracker(bridge, 56431)  # SERVICEDESK-2 claims the same message

    assert comment(cold_twin(bridge), key) == "refused"
    assert nothing_posted_about(bridge)


def test_outside_the_support_chats_even_a_card_is_not_enough(bridge: Bridge) -> None:
    bridge.messenger.add_message(56431, PRIVATE_CHAT, REQUESTER)  # Pachca says: this message is in a private chat
    bridge.deliver(message(56431))  # a ticket made before SUPPORT_CHAT_IDS named the support chat

    assert comment(cold_twin(bridge, {"SUPPORT_CHAT_IDS": str(SUPPORT_CHAT)}), "SERVICEDESK-1") == "refused"
    assert nothing_posted_about(bridge)


def test_a_reply_in_a_foreign_thread_claimed_by_a_typed_issue_is_not_copied_to_tracker(bridge: Bridge) -> None:
    bridge.messenger.add_message(SECRET_MESSAGE, PRIVATE_CHAT, INSIDER, thread=True)
    key = issue_typed_in_tracker(bridge, SECRET_MESSAGE)
    thread = bridge.messenger.threads[SECRET_MESSAGE]

    assert bridge.deliver(reply(thread, text="пароль от сервера: hunter2", user_id=INSIDER)) == "refused"

    assert bridge.tracker.comments(key) == []


def test_fields_edited_away_from_the_message_the_bridge_remembers_are_refused(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    remembered = bridge.state.ticket_by_key(TicketKey("SERVICEDESK-1"))
    assert remembered is not None
    bridge.state.save_ticket(replace(remembered, thread=None))  # a partial link: the thread is to be found again
    bridge.messenger.add_message(SECRET_MESSAGE, PRIVATE_CHAT, INSIDER, thread=True)
    bridge.tracker.issues["SERVICEDESK-1"].fields["pachcaMessageId"] = str(SECRET_MESSAGE)

    assert comment(bridge, "SERVICEDESK-1") == "refused"
    assert nothing_posted_about(bridge)
