"""An assignee change in Tracker, told to the requester in the ticket's thread."""

from __future__ import annotations

from dataclasses import dataclass

from application.once.writes import Poster
from application.services.locator import TicketLocator
from application.tracker_events import TrackerAssigneeChanged
from domain.text.pachca_text import one_line
from domain.tickets import TicketKey
from ports.clock import Clock
from ports.state.records import Cache
from ports.tracker import IssueTracker

TOLD_TTL = 90 * 86400.0


@dataclass(frozen=True)
class AnnounceAssignee:
    """Rules:
    - a new assignee is told in the ticket's thread once: «Заявку взял в работу <name>», the name as Tracker
      displays it, on one line and notifying nobody; an assignee equal to the last one told is not told again,
      however often or late the trigger is delivered;
    - an issue left without an assignee, or one that is no ticket of the bridge, is told nothing.
    """

    tracker: IssueTracker
    locator: TicketLocator
    poster: Poster
    cache: Cache
    clock: Clock

    def execute(self, event: TrackerAssigneeChanged) -> str:
        key = TicketKey(event.issue_key)
        issue = self.tracker.get_issue(key)
        ticket = self.locator.by_key(key, issue)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        if issue.assignee is None:
            return "unassigned"
        told = f"assignee:told:{key}"
        if self.cache.get(told, self.clock.now()) == issue.assignee.id:
            return "duplicate"
        text = f"Заявку взял в работу {one_line(issue.assignee.display_name)}"  # a name typed in Tracker
        self.poster.to_thread(f"assignee:{key}:{issue.assignee.id}:{issue.updated_at}", ticket.thread, text)
        self.cache.put(told, issue.assignee.id, self.clock.now() + TOLD_TTL)
        return "told"
