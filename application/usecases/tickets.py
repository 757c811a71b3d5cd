"""Opening a ticket from a Pachca message."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace

from application.events import MessagePosted
from application.once.poster import Poster
from application.once.writes import PACHCA_MESSAGE
from application.services.cards import Cards
from application.services.files import FileCarrier
from application.services.identities import Identities
from application.services.locator import TicketLocator
from application.services.schema import TrackerSchema
from application.usecases.intake import IntakeForm, is_intake_command, without_command
from domain.card import ACCEPTED, intake_post
from domain.issues import NewIssue, PachcaMessage
from domain.people import Person
from domain.routing import QueueRouting
from domain.tickets import ThreadRef, Ticket
from ports.errors import ExternalServiceError, TransientFailure
from ports.messenger import ChatMessenger
from ports.records import WriteLog
from ports.tracker import IssueTracker


@dataclass(frozen=True)
class TicketSettings:
    routing: QueueRouting
    support_chat_ids: frozenset[int] = frozenset()
    intake_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenTicket:
    """Rules:
    - a top-level message in a support chat (any chat when none is configured) or a direct message opens one ticket;
    - `/new` offers the intake form when topics are configured; without topics the form is skipped and the
      rest of the message opens the ticket;
    - messages of the bot itself, of any other bot, and the bot's own writes open nothing;
    - the thread is opened first, so the issue is created once with every local field, `pachcaThreadId` included;
    - the issue carries a `unique` derived from the message id: a repeated attempt finds the same issue;
    - the bot's card with the key and the buttons is posted in the thread once;
    - when Tracker cannot create the issue now, the thread says so once («Заявка принята, создаём…») and the event
      is queued for another attempt;
    - the message's files become the issue's attachments; a file left out is named in the description.
    """

    messenger: ChatMessenger
    tracker: IssueTracker
    locator: TicketLocator
    identities: Identities
    schema: TrackerSchema
    log: WriteLog
    poster: Poster
    cards: Cards
    intake: IntakeForm
    settings: TicketSettings
    files: FileCarrier

    def execute(self, event: MessagePosted) -> str:
        if not self._is_support_chat(event):
            return "ignored"
        if event.user_id == self.identities.bot_user_id() or self.log.is_own(PACHCA_MESSAGE, str(event.message_id)):
            return "own_message"
        author = self.identities.pachca_person(event.user_id)
        if author.is_bot:
            return "bot_message"
        text = event.text
        if is_intake_command(text):
            if self.settings.intake_topics:
                return self.intake.offer(event.message_id, event.chat_id)
            text = without_command(text)  # no topics to choose from: the form is skipped
        message = PachcaMessage(event.message_id, event.chat_id, event.user_id, text, event.url)
        return self._open(message, author, topic=None)

    def from_form(self, event_key: str, chat_id: int, user_id: int, topic: str | None, description: str) -> str:
        """The bot posts the request in the chat on the person's behalf, and the ticket hangs from that message."""
        author = self.identities.pachca_person(user_id)
        text = intake_post(author.display_name, topic, description)
        message_id, url = self.poster.to_chat_linked(f"intake:{event_key}", chat_id, text)
        message = PachcaMessage(message_id, chat_id, user_id, description, url)
        return self._open(message, author, topic, with_files=False)  # the bot's own post carries no files

    def _open(self, message: PachcaMessage, author: Person, topic: str | None, with_files: bool = True) -> str:
        ticket = self.locator.by_message(message.message_id)
        if ticket is None or ticket.thread is None:
            ticket = self._create(message, author, topic, with_files)
        if ticket.card_message_id is None:
            assert ticket.thread is not None
            card = self.cards.first(ticket.key)
            card_id = self.poster.to_thread(f"card:{ticket.key}", ticket.thread, card.text, card.buttons)
            self.locator.remember(ticket.with_card(card_id))
        return "created"

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

    def _is_support_chat(self, event: MessagePosted) -> bool:
        chats = self.settings.support_chat_ids
        return event.direct or not chats or event.chat_id in chats
