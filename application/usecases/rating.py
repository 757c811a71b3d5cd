"""The requester's rating of a solved ticket (CSAT), asked in the thread once the ticket is done: a second handler of
the status event. What a press does is `services.ratings`."""

from __future__ import annotations

from dataclasses import dataclass

from application.helpdesk.follow_ups import FollowUps
from application.once.writes import Poster
from application.services.locator import TicketLocator
from application.services.lookups import TrackerSchema
from application.tracker_events import TrackerStatusChanged
from domain.card import StatusType, rating_request
from domain.tickets import TicketKey
from ports.clock import Clock
from ports.state.records import Cache
from ports.tracker import IssueTracker

ASKED_TTL = 365 * 86400.0


def asked_key(key: TicketKey) -> str:
    """What the ticket's last status seen here was: `done` once the rating was asked for this closing."""
    return f"rating:asked:{key}"


@dataclass(frozen=True)
class AskRating:
    """Rules (a second handler of the status event, beside the announcement):
    - when a ticket reaches a status whose Tracker type is `done`, its requester is asked in the thread
      «Оцените, пожалуйста, решение» with 1–5 and «Не решено»;
    - once per closing: the same closing delivered again asks nothing; a reopen and a new closing ask again;
    - a cancelled ticket, one merged into another, or one the bridge did not open, is not asked; `CSAT=off` asks
      nobody.
    """

    tracker: IssueTracker
    locator: TicketLocator
    schema: TrackerSchema
    poster: Poster
    cache: Cache
    clock: Clock
    follow_ups: FollowUps
    enabled: bool = True

    def execute(self, event: TrackerStatusChanged) -> str:
        if not self.enabled:
            return "csat_off"
        key = TicketKey(event.issue_key)
        issue = self.tracker.get_issue(key)
        done = self.schema.workflow().status(issue.status_key).type is StatusType.DONE
        seen = self.cache.get(asked_key(key), self.clock.now())
        if not done:
            if seen:
                self.cache.put(asked_key(key), "", self.clock.now() + ASKED_TTL)  # a reopen: the next closing asks
            return "not_done"
        if seen:
            return "already_asked"
        if self.follow_ups.merged_into(key) is not None:
            return "merged"  # closed as a duplicate: the earlier ticket is the one to rate
        ticket = self.locator.by_key(key, issue)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        card = rating_request(key)
        self.poster.to_thread(f"rating:{key}:{issue.updated_at}", ticket.thread, card.text, card.buttons)
        self.cache.put(asked_key(key), StatusType.DONE.value, self.clock.now() + ASKED_TTL)
        return "rating_asked"
