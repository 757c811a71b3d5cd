"""«Мои заявки»: the clicking person's open tickets, sent to them privately."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import ButtonClicked
from application.once.writes import Poster
from application.services.lookups import Identities, TrackerSchema
from domain.text.pachca_text import one_line
from domain.tickets import QueueRouting
from ports.clock import Clock
from ports.state.records import Cache, LinkStore
from ports.tracker import IssueInfo, IssueTracker

DIRECT_CHAT_TTL = 365 * 86400.0
SUMMARY_LIMIT = 255  # Tracker's own summaries are one line of about this size


def direct_chat_key(user_id: int) -> str:
    return f"pachca:direct-chat:{user_id}"


@dataclass(frozen=True)
class MyTickets:
    """Rules:
    - the listing goes to the person who pressed the button, as a direct message from the bot, whoever's card it
      was pressed on; nothing appears in the chat where the button was;
    - it lists only their own open tickets (those whose requester they are), and only tickets the bridge opened:
      created by its robot, and, where the bridge keeps the ticket's link, with them as its requester (an issue
      made or edited by hand, naming someone's `pachcaUserId`, is not theirs);
    - their direct chat is remembered, so a listing whose answer was lost is looked for there, not sent twice.
    """

    tracker: IssueTracker
    identities: Identities
    links: LinkStore
    schema: TrackerSchema
    poster: Poster
    cache: Cache
    clock: Clock
    routing: QueueRouting
    web_url: str

    def post(self, event: ButtonClicked) -> str:
        key = direct_chat_key(event.user_id)
        known = self.cache.get(key, self.clock.now())
        text = self._listing(event.user_id)
        posted = self.poster.to_user(f"mine:{event.trigger_id}", event.user_id, text, int(known) if known else None)
        if posted.chat_id:
            self.cache.put(key, str(posted.chat_id), self.clock.now() + DIRECT_CHAT_TTL)
        return "listed"

    def _listing(self, user_id: int) -> str:
        workflow = self.schema.workflow()
        found = [i for queue in self.routing.queues for i in self.tracker.open_issues_of(queue, user_id)]
        issues = [
            i
            for i in found
            if not workflow.status(i.status_key).closed  # closed without a resolution too
            and self._opened_by_the_bridge_for(i, user_id)
        ]
        if not issues:
            return "У вас нет открытых заявок."
        return "Ваши открытые заявки:\n" + "\n".join(self._line(i) for i in issues)

    def _opened_by_the_bridge_for(self, issue: IssueInfo, user_id: int) -> bool:
        if issue.created_by_id is None or issue.created_by_id != self.identities.robot_id():
            return False
        link = self.links.ticket_by_key(issue.key)
        return link is None or link.requester_id in (0, user_id)

    def _line(self, issue: IssueInfo) -> str:
        """Summaries come from Tracker: one line each, notifying nobody."""
        summary, status = one_line(issue.summary, SUMMARY_LIMIT), one_line(issue.status_display)
        return f"[{issue.key}]({self.web_url}/{issue.key}) — {summary} ({status})"
