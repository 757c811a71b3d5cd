"""Tracker status changes, announced in the ticket's thread and shown on its card."""

from __future__ import annotations

from dataclasses import dataclass

from application.once.told import ThreadNews
from application.once.writes import announced_key
from application.services.cards import Cards
from application.services.lookups import TrackerSchema
from application.tracker_events import TrackerStatusChanged
from domain.text.pachca_text import one_line
from domain.tickets import TicketKey


@dataclass(frozen=True)
class AnnounceStatus:
    """Rules:
    - a status change is announced in the ticket's thread once, whoever made it: a status equal to the last one
      announced is not announced again, however often or late the trigger is delivered;
    - the card shows the new status, with «Переоткрыть» once the issue is closed.
    """

    news: ThreadNews
    schema: TrackerSchema
    cards: Cards

    def execute(self, event: TrackerStatusChanged) -> str:
        key = TicketKey(event.issue_key)
        found = self.news.in_thread(key)
        if found is None:
            return "not_a_ticket"
        issue = found.issue
        text = f"Статус заявки изменён: {one_line(issue.status_display)}"  # a name typed in Tracker
        effect = f"status:{key}:{issue.status_key}:{issue.updated_at}"
        told = self.news.tell(found.thread, announced_key(key), issue.status_key, effect, text)
        self.cards.refresh(found.ticket, self.schema.workflow().status(issue.status_key, issue.status_display))
        return "announced" if told else "duplicate"
