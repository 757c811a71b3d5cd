"""«Мои заявки» pressed on someone else's card answers the person who pressed it, privately (a direct
message from the bot), with only their own tickets; nothing appears in the chat where the button was."""

from __future__ import annotations

from application.form_events import ButtonClicked
from ports.errors import OutcomeUnknown
from tests.builders import message
from tests.conftest import REQUESTER, Bridge

THREAD_CHAT = 2637266155
COLLEAGUE = 3003


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
