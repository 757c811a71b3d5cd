"""Tracker status changes, announced in the ticket's thread and shown on its card."""

from __future__ import annotations

from dataclasses import dataclass

from application.once.writes import Poster, announced_key
from application.services.cards import Cards
from application.services.locator import TicketLocator
from application.services.schema import TrackerSchema
from application.tracker_events import TrackerStatusChanged
from domain.text.pachca_text import one_line
from domain.tickets import TicketKey
from ports.clock import Clock
from ports.state.records import Cache
from ports.tracker import IssueTracker

ANNOUNCED_TTL = 90 * 86400.0


@dataclass(frozen=True)
class AnnounceStatus:
    """Rules:
    - a status change is announced in the ticket's thread once, whoever made it: a status equal to the last one
      announced is not announced again, however often or late the trigger is delivered;
    - the card shows the new status, with «Переоткрыть» once the issue is closed.
    """

    tracker: IssueTracker
    locator: TicketLocator
    schema: TrackerSchema
    cards: Cards
    poster: Poster
    cache: Cache
    clock: Clock

    def execute(self, event: TrackerStatusChanged) -> str:
        key = TicketKey(event.issue_key)
        issue = self.tracker.get_issue(key)
        ticket = self.locator.by_key(key, issue)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        announced = announced_key(key)
        outcome = "duplicate"
        if self.cache.get(announced, self.clock.now()) != issue.status_key:
            text = f"Статус заявки изменён: {one_line(issue.status_display)}"  # a name typed in Tracker
            self.poster.to_thread(f"status:{key}:{issue.status_key}:{issue.updated_at}", ticket.thread, text)
            self.cache.put(announced, issue.status_key, self.clock.now() + ANNOUNCED_TTL)
            outcome = "announced"
        self.cards.refresh(ticket, self.schema.workflow().status(issue.status_key, issue.status_display))
        return outcome
