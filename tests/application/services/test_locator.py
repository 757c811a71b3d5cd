"""The one place that finds the ticket behind a message, a thread or an issue key."""

from __future__ import annotations

from dataclasses import replace

from domain.tickets import TicketKey
from tests.builders import SUPPORT_CHAT, message
from tests.conftest import REQUESTER, Bridge

KEY = TicketKey("SERVICEDESK-1")


def test_a_partial_link_is_completed_from_the_issue_and_keeps_its_card_and_status(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    opened = bridge.state.ticket_by_key(KEY)
    assert opened is not None and opened.card_message_id is not None
    bridge.state.save_ticket(replace(opened, thread=None, requester_id=0, status="inProgress"))

    found = bridge.container.services.locator().by_key(KEY)

    assert found is not None
    assert found.thread == bridge.messenger.threads[56431]  # opening the thread again returns the same one
    assert (found.card_message_id, found.status) == (opened.card_message_id, "inProgress")
    assert (found.requester_id, found.chat_id) == (REQUESTER, SUPPORT_CHAT)
    assert bridge.state.ticket_by_key(KEY) == found  # remembered


def test_an_issue_the_bridge_did_not_open_is_no_ticket(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.tracker.issues[str(KEY)].fields.clear()  # no pachcaMessageId
    opened = bridge.state.ticket_by_key(KEY)
    assert opened is not None
    bridge.state.save_ticket(replace(opened, thread=None))

    assert bridge.container.services.locator().by_key(KEY) is None
    assert bridge.container.services.locator().by_key(TicketKey("SERVICEDESK-404")) is None
