"""Opening a ticket, shared by a Pachca message (`usecases.tickets`) and the intake form (`usecases.submit_form`)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from application.helpdesk.follow_ups import FollowUps
from application.once.writes import Poster
from application.services.cards import Cards
from application.services.files import FileCarrier
from application.services.locator import TicketLocator
from application.services.lookups import Identities, TrackerSchema
from domain.card import ACCEPTED, Card, intake_post
from domain.people import Person
from domain.text.noise import DEFAULT_PLEASANTRIES
from domain.tickets import NewIssue, PachcaMessage, QueueRouting, ThreadRef, Ticket, ticket_summary
from ports.errors import ExternalServiceError, TransientFailure
from ports.messenger import ChatMessenger

if TYPE_CHECKING:  # built only where an agents' chat is configured
    from application.helpdesk.agents_chat import AgentsChat


@dataclass(frozen=True)
class TicketSettings:
    routing: QueueRouting
    support_chat_ids: frozenset[int] = frozenset()
    intake_topics: tuple[str, ...] = ()
    pleasantries: tuple[str, ...] = DEFAULT_PLEASANTRIES
    agents_chat_id: int | None = None  # the team's own chat: its messages are never tickets, new ones are told there


@dataclass(frozen=True)
class TicketOpener:
    """Rules:
    - the thread is opened first, so the issue is created once with every local field, `pachcaThreadId` included;
    - the issue goes to the queue of the message's chat, and carries a `unique` derived from the message id: a
      repeated attempt finds the same issue;
    - the bot's card with the key and the buttons is posted in the thread once;
    - when Tracker cannot create the issue now, the thread says so once («Заявка принята, создаём…») and the event
      is queued for another attempt;
    - the message's files become the issue's attachments; a file left out is named in the description;
    - a quick second ticket from the same person in the same chat offers «Объединить с <KEY>» (`FollowUps`);
    - the new ticket is announced in the agents' chat, when there is one (`AgentsChat`).
    """

    messenger: ChatMessenger
    locator: TicketLocator
    identities: Identities
    schema: TrackerSchema
    poster: Poster
    cards: Cards
    settings: TicketSettings
    files: FileCarrier
    agents: AgentsChat | None  # None without an agents' chat: nothing to announce, nothing built
    follow_ups: FollowUps

    def open(self, message: PachcaMessage, author: Person, topic: str | None, with_files: bool = True) -> str:
        ticket = self.locator.by_message(message.message_id)
        if ticket is None or ticket.thread is None:
            ticket = self._create(message, author, topic, with_files)
        if ticket.card_message_id is None:
            assert ticket.thread is not None
            card = Card.for_ticket(ticket.key, self.cards.web_url, merge_into=self.follow_ups.offer_for(ticket))
            card_id = self.poster.to_thread(f"card:{ticket.key}", ticket.thread, card.text, card.buttons)
            self.locator.remember(ticket.with_card(card_id))
        if self.agents is not None:
            self.agents.announce(ticket, ticket_summary(message.text, topic), author.display_name)
        return "created"

    def from_form(self, event_key: str, chat_id: int, user_id: int, topic: str | None, description: str) -> str:
        """The bot posts the request in the chat on the person's behalf, and the ticket hangs from that message."""
        author = self.identities.pachca_person(user_id)
        text = intake_post(author.display_name, topic, description)
        message_id, url = self.poster.to_chat_linked(f"intake:{event_key}", chat_id, text)
        message = PachcaMessage(message_id, chat_id, user_id, description, url)
        return self.open(message, author, topic, with_files=False)  # the bot's own post carries no files

    def _create(self, message: PachcaMessage, author: Person, topic: str | None, with_files: bool) -> Ticket:
        self.locator.opening(message.message_id)  # replies in the new thread wait for it
        thread = self.messenger.open_thread(message.message_id)
        queue = self.settings.routing.queue_for(message.chat_id)
        issue = NewIssue.from_message(queue, message, author, thread, topic)
        if with_files:
            issue = self._with_files(issue, message)
        try:
            key = self.schema.create_issue(issue)
        except TransientFailure:
            self._accepted(message.message_id, thread)
            raise  # queued: the next attempt opens the issue and posts the card
        return self.locator.opened(Ticket(key, message.message_id, message.chat_id, message.user_id, thread))

    def _accepted(self, message_id: int, thread: ThreadRef) -> None:
        """The requester hears at once that the request is not lost while the issue waits for Tracker (once)."""
        with suppress(ExternalServiceError):  # a courtesy: the event is queued whether or not it could be said
            self.poster.to_thread(f"accepted:{message_id}", thread, ACCEPTED)

    def _with_files(self, issue: NewIssue, message: PachcaMessage) -> NewIssue:
        """The message's files become the issue's; those left out are named at the end of the description."""
        carried = self.files.to_tracker(f"ticket:{message.message_id}", message.message_id, message.url)
        description = carried.text_with_lines(issue.description)
        return replace(issue, description=description, attachment_ids=tuple(carried.uploaded))
