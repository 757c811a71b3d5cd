"""«Мои заявки»: the clicking person's open tickets, listed in the chat."""

from __future__ import annotations

from application.events import ButtonClicked
from application.schema import TrackerSchema
from application.writes import Poster
from ports.tracker import IssueInfo, IssueTracker


class MyTickets:
    def __init__(self, tracker: IssueTracker, schema: TrackerSchema, poster: Poster, queue: str, web_url: str) -> None:
        self.tracker = tracker
        self.schema = schema
        self.poster = poster
        self.queue = queue
        self.web_url = web_url

    def post(self, event: ButtonClicked) -> str:
        self.poster.to_chat(f"mine:{event.trigger_id}", event.chat_id, self._listing(event.user_id))
        return "listed"

    def _listing(self, user_id: int) -> str:
        workflow = self.schema.workflow()
        found = self.tracker.open_issues_of(self.queue, user_id)
        issues = [i for i in found if not workflow.status(i.status_key).closed]  # closed without a resolution too
        if not issues:
            return "У вас нет открытых заявок."
        return "Ваши открытые заявки:\n" + "\n".join(self._line(i) for i in issues)

    def _line(self, issue: IssueInfo) -> str:
        return f"[{issue.key}]({self.web_url}/{issue.key}) — {issue.summary} ({issue.status_display})"
