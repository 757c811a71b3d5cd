"""An assignee change in Tracker, told to the requester in the ticket's thread."""

from __future__ import annotations

from dataclasses import dataclass

from application.once.told import ThreadNews
from application.tracker_events import TrackerAssigneeChanged
from domain.text.pachca_text import one_line
from domain.tickets import TicketKey


@dataclass(frozen=True)
class AnnounceAssignee:
    """Rules:
    - a new assignee is told in the ticket's thread once: «Заявку взял в работу <name>», the name as Tracker
      displays it, on one line and notifying nobody; an assignee equal to the last one told is not told again,
      however often or late the trigger is delivered;
    - an issue left without an assignee, or one that is no ticket of the bridge, is told nothing.
    """

    news: ThreadNews

    def execute(self, event: TrackerAssigneeChanged) -> str:
        key = TicketKey(event.issue_key)
        found = self.news.in_thread(key)
        if found is None:
            return "not_a_ticket"
        assignee = found.issue.assignee
        if assignee is None:
            return "unassigned"
        text = f"Заявку взял в работу {one_line(assignee.display_name)}"  # a name typed in Tracker
        effect = f"assignee:{key}:{assignee.id}:{found.issue.updated_at}"
        told = self.news.tell(found.thread, f"assignee:told:{key}", assignee.id, effect, text)
        return "told" if told else "duplicate"
