"""An issue's comments in Tracker: adding one, reading one, and the newest ones (see docs/tracker.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.tracker.client import TrackerResource, reading, segment
from adapters.tracker.models import COMMENTS, Comment, CommentId
from domain.comments import TrackerComment
from domain.tickets import TicketKey

COMMENTS_PER_PAGE = 50
MAX_COMMENT_PAGES = 100


class TrackerComments(TrackerResource):
    """The comment half of `ports.tracker.IssueTracker`."""

    def add_comment(
        self, key: TicketKey, text: str, summonees: Sequence[str] = (), attachment_ids: Sequence[str] = ()
    ) -> str:
        path = f"/v2/issues/{key}/comments"
        body: dict[str, Any] = {"text": text, "markupType": "md"}
        if summonees:
            body["summonees"] = list(summonees)
        if attachment_ids:
            body["attachmentIds"] = list(attachment_ids)  # temporary attachments become the comment's files
        response = self._client.request("POST", path, idempotent=False, json=body, params={"isAddToFollowers": "false"})
        return self._one(f"POST {path}", response, CommentId).id

    def get_comment(self, key: TicketKey, comment_id: str) -> TrackerComment:
        """The comment with its attachments, located on the issue (`expand=attachments` names them, no more)."""
        path = f"/v2/issues/{key}/comments/{segment(comment_id)}"
        response = self._get(path, params={"expand": "attachments"})
        with reading(f"GET {path}"):
            comment = Comment.model_validate_json(response.content)
        return comment.to_comment(key, f"{self._client.base_url}/v2/issues/{key}")

    def recent_comments(self, key: TicketKey) -> list[TrackerComment]:
        """The newest comments: Tracker pages oldest first, so the pages are walked to the end (`id` cursor)."""
        newest: list[TrackerComment] = []
        after: str | None = None
        for _ in range(MAX_COMMENT_PAGES):
            page = self._comment_page(key, after)
            newest = (newest + page)[-COMMENTS_PER_PAGE:]
            if len(page) < COMMENTS_PER_PAGE:
                break
            after = page[-1].comment_id
        return newest

    def _comment_page(self, key: TicketKey, after: str | None) -> list[TrackerComment]:
        path = f"/v2/issues/{key}/comments"
        params: dict[str, Any] = {"perPage": COMMENTS_PER_PAGE} | ({"id": after} if after else {})
        response = self._get(path, params=params)
        with reading(f"GET {path}"):
            return [comment.to_comment(key) for comment in COMMENTS.validate_json(response.content)]
