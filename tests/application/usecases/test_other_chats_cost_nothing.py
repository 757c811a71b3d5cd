"""Replies in ordinary threads of chats that are not support chats cost a Tracker search each,
and edits there were queued and retried. A conversation that cannot be a ticket's is skipped before any call to
Pachca or Tracker and before anything is queued."""

from __future__ import annotations

import pytest

from application.events import MessageDeleted, MessageEdited, MessagePosted
from domain.tickets import ThreadRef
from tests.builders import SUPPORT_CHAT, reply
from tests.conftest import REQUESTER, Bridge, make_bridge

OTHER_CHAT = 734100  # a chat the bot is in, not a support chat
CHANGED = "2026-11-27T08:31:00+00:00"


@pytest.fixture
def bridge() -> Bridge:
    made = make_bridge({"SUPPORT_CHAT_IDS": str(SUPPORT_CHAT), "BOT_USER_ID": "999"})
    made.messenger.add_message(81001, OTHER_CHAT, REQUESTER, thread=True)  # people talk in its thread
    made.reset_calls()
    return made


def other_thread(bridge: Bridge) -> ThreadRef:
    return bridge.messenger.threads[81001]


def test_a_reply_in_a_thread_of_another_chat_costs_no_call(bridge: Bridge) -> None:
    outcome = bridge.deliver(reply(other_thread(bridge), 81002, "обсуждаем обед"))

    assert outcome == "not_a_ticket"
    assert bridge.calls() == 0
    assert bridge.state.stats().pending == 0


@pytest.mark.parametrize("root", [0, 81001], ids=["top-level message", "thread reply"])
def test_a_young_edit_in_another_chat_is_not_queued(bridge: Bridge, root: int) -> None:
    created = bridge.clock.now() - 30  # young: its `new` might still be on its way, were it a ticket's
    edit = MessageEdited(81003, root, REQUESTER, "исправил", CHANGED, created, OTHER_CHAT)

    assert bridge.deliver(edit) == "not_carried"
    assert bridge.calls() == 0
    assert bridge.state.stats().pending == 0


def test_a_young_deletion_in_another_chat_is_not_queued(bridge: Bridge) -> None:
    deleted = MessageDeleted(81003, 81001, REQUESTER, bridge.clock.now() - 30, OTHER_CHAT)

    assert bridge.deliver(deleted) == "not_carried"
    assert bridge.calls() == 0 and bridge.state.stats().pending == 0


def test_a_young_edit_in_a_support_chat_still_waits_for_its_message(bridge: Bridge) -> None:
    edit = MessageEdited(56431, 0, REQUESTER, "исправил", CHANGED, bridge.clock.now() - 30, SUPPORT_CHAT)

    assert bridge.deliver(edit) == "queued"  # the message may open a ticket any moment: the edit waits for it


def test_replies_and_edits_in_a_direct_conversations_ticket_still_travel(bridge: Bridge) -> None:
    direct_chat = 7_000_134_412
    url = f"https://app.pachca.com/chats/{direct_chat}?message=56500"
    bridge.messenger.add_message(56500, direct_chat, REQUESTER, direct=True)
    bridge.deliver(MessagePosted(56500, direct_chat, REQUESTER, "Не работает вход", url, direct=True))
    thread = bridge.messenger.threads[56500]

    assert bridge.deliver(reply(thread, 56501, "ещё деталь")) == "commented"
    edit = MessageEdited(56501, 56500, REQUESTER, "ещё одна деталь", CHANGED, bridge.clock.now(), direct_chat)
    assert bridge.deliver(edit) == "edited"
    assert bridge.tracker.comments("SERVICEDESK-1")[-1].text.endswith("ещё одна деталь")
