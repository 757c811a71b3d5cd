"""What changed in Tracker, told in the ticket's thread once per value: the status, the assignee."""

from __future__ import annotations

from dataclasses import dataclass

from application.once.writes import Poster
from application.services.locator import TicketLocator
from domain.tickets import ThreadRef, Ticket, TicketKey
from ports.clock import Clock
from ports.state.records import Cache
from ports.tracker import IssueInfo, IssueTracker

TOLD_TTL = 90 * 86400.0  # how long the last value told is remembered


@dataclass(frozen=True)
class InThread:
    """An issue as Tracker has it now, and the ticket whose thread hears about it."""

    issue: IssueInfo
    ticket: Ticket
    thread: ThreadRef


@dataclass(frozen=True)
class ThreadNews:
    """Rules:
    - news of an issue goes only to the thread of a ticket the bridge opened (`TicketLocator.by_key`);
    - a value is told once: one equal to the last value told on that subject is not told again, however often or
      late the trigger is delivered.
    """

    tracker: IssueTracker
    locator: TicketLocator
    poster: Poster
    cache: Cache
    clock: Clock

    def in_thread(self, key: TicketKey) -> InThread | None:
        """The issue read now and its ticket, or None when it is no ticket with a thread."""
        issue = self.tracker.get_issue(key)
        ticket = self.locator.by_key(key, issue)
        if ticket is None or ticket.thread is None:
            return None
        return InThread(issue, ticket, ticket.thread)

    def tell(self, thread: ThreadRef, subject: str, value: str, effect: str, text: str) -> bool:
        """Posts `text` unless `value` is the last told on `subject` (a cache key); True when it was posted."""
        if self.cache.get(subject, self.clock.now()) == value:
            return False
        self.poster.to_thread(effect, thread, text)
        self.cache.put(subject, value, self.clock.now() + TOLD_TTL)
        return True
