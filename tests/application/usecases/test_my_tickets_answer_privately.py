"""«Мои заявки» pressed on someone else's card answers the person who pressed it, privately (a direct
message from the bot), with only their own tickets; nothing appears in the chat where the button was."""

from __future__ import annotations

from application.events import ButtonClicked
from domain.tickets import NewIssue, TicketKey
from entrypoints.sandbox.in_memory import FakeIssue
from ports.errors import OutcomeUnknown
from tests.builders import message
from tests.conftest import REQUESTER, Bridge

THREAD_CHAT = 2637266155
COLLEAGUE = 3003
ENGINEER_UID = "1130000007986051"  # a person in Tracker, not the bridge's robot


def opened(bridge: Bridge) -> int:
    bridge.deliver(message(56431, "Не работает вход в 1С: пароль от бухгалтерии внутри"))
    return bridge.messenger.posts[0].message_id  # the card


def press_mine(bridge: Bridge, card: int, user_id: int, trigger: str = "t1") -> str:
    return bridge.deliver(ButtonClicked(card, THREAD_CHAT, user_id, "mine", trigger))


def test_a_colleague_pressing_my_tickets_on_a_card_is_answered_privately_with_their_own(bridge: Bridge) -> None:
    bridge.messenger.add_user(COLLEAGUE, "Пётр Сидоров", "psidorov")
    card = opened(bridge)
    posts_before = len(bridge.messenger.posts)

    assert press_mine(bridge, card, COLLEAGUE) == "listed"

    (private,) = bridge.messenger.posts[posts_before:]
    assert private.entity == f"user:{COLLEAGUE}"
    assert private.text == "У вас нет открытых заявок."
    assert bridge.messenger.chat_posts(THREAD_CHAT) == []
    assert all("бухгалтерии" not in post.text for post in bridge.messenger.posts[posts_before:])


def test_the_requester_gets_their_open_tickets_in_a_direct_message(bridge: Bridge) -> None:
    card = opened(bridge)
    bridge.deliver(message(56432, "Второй вопрос"))

    press_mine(bridge, card, REQUESTER)

    listing = bridge.messenger.user_posts(REQUESTER)[-1].text
    assert listing.startswith("Ваши открытые заявки:")
    assert "SERVICEDESK-1" in listing and "SERVICEDESK-2" in listing
    assert bridge.messenger.chat_posts(THREAD_CHAT) == []


def test_a_lost_answer_to_a_second_listing_is_found_in_the_direct_chat_not_sent_twice(bridge: Bridge) -> None:
    card = opened(bridge)
    press_mine(bridge, card, REQUESTER, trigger="a")
    bridge.messenger.faults.add("post_to_user", OutcomeUnknown("pachca: 502"))

    assert press_mine(bridge, card, REQUESTER, trigger="b") == "listed"

    assert len(bridge.messenger.user_posts(REQUESTER)) == 2


def hand_made(bridge: Bridge, key: str, summary: str, requester: int, creator: str) -> None:
    """An issue someone typed into Tracker, naming a Pachca person in its `pachcaUserId` field."""
    issue = NewIssue("SERVICEDESK", summary, "", f"hand-{key}", (), {"pachcaUserId": str(requester)})
    fields = {"pachcaUserId": str(requester)}
    bridge.tracker.issues[key] = FakeIssue(TicketKey(key), issue, fields, created_by=creator)


def test_an_issue_made_by_hand_with_someones_pachca_id_is_not_in_their_listing(bridge: Bridge) -> None:
    """A hand-made issue with a phishing link in its summary reached a private «Мои заявки»."""
    card = opened(bridge)
    hand_made(bridge, "SERVICEDESK-77", "Срочно: войдите на http://evil.example/login", REQUESTER, ENGINEER_UID)

    press_mine(bridge, card, REQUESTER)

    listing = bridge.messenger.user_posts(REQUESTER)[-1].text
    assert "SERVICEDESK-1" in listing
    assert "SERVICEDESK-77" not in listing and "evil.example" not in listing


def test_a_bridge_ticket_whose_requester_field_was_retyped_is_not_in_the_other_persons_listing(bridge: Bridge) -> None:
    bridge.messenger.add_user(COLLEAGUE, "Пётр Сидоров", "psidorov")
    card = opened(bridge)
    bridge.tracker.issues["SERVICEDESK-1"].fields["pachcaUserId"] = str(COLLEAGUE)  # edited by hand in Tracker

    press_mine(bridge, card, COLLEAGUE)

    assert bridge.messenger.user_posts(COLLEAGUE)[-1].text == "У вас нет открытых заявок."
