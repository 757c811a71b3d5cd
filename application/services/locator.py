"""Finding the ticket behind a message, a thread reply or an issue key: every use case asks here."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.services.provenance import Provenance
from domain.tickets import IssueLink, QueueRouting, ThreadRef, Ticket, TicketKey
from ports.clock import Clock
from ports.errors import NotFound, Refused, TransientFailure
from ports.state.records import LinkStore, WriteLog
from ports.tracker import IssueInfo, IssueTracker

OPENING = "ticket"


def opening_effect(message_id: int) -> str:
    """Recorded while a ticket is being opened for a message, so a reply in its thread knows to wait."""
    return f"ticket:{message_id}"


@dataclass(frozen=True)
class TicketLocator:
    """Ask `by_message` for a top-level message, `by_thread` for anything in a thread, `by_key` for a Tracker event.

    Rules:
    - the bridge's own links are asked first, the issue's link fields in Tracker second; what Tracker says is
      trusted only with proof that the bridge opened that conversation (`Provenance`), then remembered as a link,
      keeping what the old link knew (card, status);
    - a reply in the thread of a ticket still being opened waits for it (TransientFailure), instead of being lost;
    - a thread hanging from a message outside the support chats is known from the bridge's own links or not at
      all: ordinary threads of other chats cost no Tracker search (a direct conversation's ticket is linked when
      it is opened).
    """

    links: LinkStore
    tracker: IssueTracker
    provenance: Provenance
    log: WriteLog
    clock: Clock
    routing: QueueRouting

    def known(self, key: TicketKey) -> Ticket | None:
        """The bridge's own link only: no call to either side."""
        return self.links.ticket_by_key(key)

    def by_message(self, message_id: int) -> Ticket | None:
        return self.links.ticket_by_message(message_id)

    def by_key(self, key: TicketKey, issue: IssueInfo | None = None) -> Ticket | None:
        """A ticket with its thread; `issue`, when the caller has just read it, spares a second read."""
        ticket = self.links.ticket_by_key(key)
        if ticket is not None and ticket.thread is not None:
            return ticket
        return self._from_issue(key, ticket, issue)

    def with_requester(self, key: TicketKey) -> Ticket | None:
        """A ticket whose requester is known: the issue remembers who asked when the link does not."""
        ticket = self.links.ticket_by_key(key)
        if ticket is not None and ticket.requester_id:
            return ticket
        return self._from_issue(key, ticket)

    def by_thread(self, thread: ThreadRef) -> Ticket | None:
        """The ticket a thread reply belongs to."""
        ticket = self.links.ticket_by_message(thread.root_message_id) or self.links.ticket_by_thread(thread.thread_id)
        if ticket is not None or not thread.root_message_id:
            return ticket
        if not self.provenance.may_hold_tickets(thread.root_chat_id):
            return None  # an ordinary thread of another chat: no search, no wait
        self._wait_while_opening(thread.root_message_id)
        key = self.tracker.find_issue_by_message(self.routing.queue_for(thread.root_chat_id), thread.root_message_id)
        if key is None:
            return None
        ticket = self.provenance.ticket(key, IssueLink(thread.root_message_id))
        if ticket.thread is None or ticket.thread.thread_id != thread.thread_id:
            raise Refused(f"{key}: the reply is not in the thread of the bridge's card")
        return self.remember(ticket)

    def opening(self, message_id: int) -> None:
        """Marks a ticket as being opened for the message: replies in its thread wait until `opened`."""
        self.log.begin(opening_effect(message_id), OPENING, self.clock.now())

    def opened(self, ticket: Ticket) -> Ticket:
        self.remember(ticket)
        self.log.finish(opening_effect(ticket.message_id), OPENING, str(ticket.key))
        return ticket

    def remember(self, ticket: Ticket) -> Ticket:
        self.links.save_ticket(ticket)
        return ticket

    def _wait_while_opening(self, message_id: int) -> None:
        opening = self.log.lookup(opening_effect(message_id))
        if opening is not None and opening.external_id is None:
            raise TransientFailure("the ticket of this thread is still being opened")

    def _from_issue(self, key: TicketKey, known: Ticket | None, issue: IssueInfo | None = None) -> Ticket | None:
        """Rebuilds a lost or partial link from the issue's link fields, proven; what the old link knew is kept."""
        try:
            link = IssueLink.from_fields((issue or self.tracker.get_issue(key)).local_fields)
        except NotFound:
            return None
        if link is None:
            return None
        if known is not None and link.message_id != known.message_id:
            raise Refused(f"{key}: its Pachca fields name message {link.message_id}, not {known.message_id}")
        proven = self.provenance.ticket(key, link)
        if known is None:
            return self.remember(proven)
        card = known.card_message_id or proven.card_message_id
        return self.remember(replace(proven, card_message_id=card, status=known.status))
