"""Keeping a ticket's card (the bot's message with its buttons) in step with the issue's status, once posted."""

from __future__ import annotations

from dataclasses import dataclass

from application.helpdesk.follow_ups import FollowUps
from domain.card import Card, TicketStatus
from domain.tickets import Ticket, TicketKey
from ports.messenger import ChatMessenger
from ports.state.records import LinkStore


@dataclass(frozen=True)
class Cards:
    messenger: ChatMessenger
    links: LinkStore
    web_url: str
    follow_ups: FollowUps

    def refresh(self, ticket: Ticket, status: TicketStatus) -> None:
        """Shows a new status on the ticket's card; a status the card shows already costs no call."""
        if ticket.status == status.key or ticket.card_message_id is None:
            return
        self.show(ticket.card_message_id, ticket.chat_id, ticket.key, status)
        self.links.save_ticket(ticket.with_status(status.key))

    def show(self, message_id: int, chat_id: int, key: TicketKey, status: TicketStatus) -> None:
        offered, merged = self.follow_ups.offered(key), self.follow_ups.merged_into(key)
        card = Card.for_ticket(key, self.web_url, status, merge_into=offered, merged_into=merged)
        self.messenger.update_message(message_id, card.text, card.buttons, chat_id)
