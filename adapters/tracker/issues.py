"""Yandex Tracker's issues, comments, transitions and users over its REST API (v2); see docs/tracker.md."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import requests

from adapters.http.client import segment
from adapters.tracker.client import TrackerResource, reading
from adapters.tracker.models import (
    COMMENTS,
    ISSUE_KEYS,
    ISSUES,
    LOCAL_FIELDS,
    STATUSES,
    TRANSITIONS,
    USER_OR_LIST,
    Comment,
    CommentId,
    Issue,
    IssueKey,
)
from domain.comments import TrackerComment
from domain.people import Person
from domain.tickets import NewIssue, TicketKey
from ports.errors import NotFound, PermanentFailure, ResolutionRefused
from ports.tracker import ChangedIssues, IssueChanges, IssueInfo, IssueTracker, Transition

log = logging.getLogger("servicedesk.tracker")

CONFLICT = 409
LINK_EXISTS = (409, 422)  # Tracker's answer to a second link between the same two issues
RESOLUTION_REFUSALS = (400, 422)  # a transition screen without the resolution field
COMMENTS_PER_PAGE = 50
MAX_COMMENT_PAGES = 100


class HttpIssueTracker(TrackerResource, IssueTracker, ChangedIssues, IssueChanges):
    """Build it with `adapters.tracker.client.tracker_client`."""

    def local_field_ids(self, queue: str) -> dict[str, str]:
        path = f"/v2/queues/{segment(queue)}/localFields"
        response = self._client.get(path)
        with reading(f"GET {path}"):
            fields = LOCAL_FIELDS.validate_json(response.content)
        return {field.short_key(): field.id for field in fields}

    def create_issue(self, issue: NewIssue, field_ids: Mapping[str, str]) -> TicketKey:
        try:
            response = self._client.request("POST", "/v2/issues/", idempotent=True, json=_issue_body(issue, field_ids))
        except PermanentFailure as e:
            if e.status != CONFLICT:
                raise
            return self._find_by_unique(issue.unique)
        return _issue_key(response, "POST /v2/issues/")

    def find_issue_by_message(self, queue: str, message_id: int) -> TicketKey | None:
        query = f'Queue: {queue} {queue}.pachcaMessageId: "{message_id}"'
        response = self._client.request("POST", "/v2/issues/_search", idempotent=True, json={"query": query})
        with reading("POST /v2/issues/_search"):
            found = ISSUE_KEYS.validate_json(response.content)
            return TicketKey(found[0].key) if found else None

    def get_issue(self, key: TicketKey) -> IssueInfo:
        path = f"/v2/issues/{key}"
        response = self._client.get(path)
        with reading(f"GET {path}"):
            return Issue.model_validate_json(response.content).to_info()

    def transitions(self, key: TicketKey) -> list[Transition]:
        path = f"/v2/issues/{key}/transitions"
        response = self._client.get(path)
        with reading(f"GET {path}"):
            return [transition.to_transition() for transition in TRANSITIONS.validate_json(response.content)]

    def execute_transition(
        self, key: TicketKey, transition_id: str, comment: str = "", resolution: str | None = None
    ) -> None:
        path = f"/v2/issues/{key}/transitions/{segment(transition_id)}/_execute"
        body = ({"comment": comment} if comment else {}) | ({"resolution": resolution} if resolution else {})
        try:
            self._client.request("POST", path, idempotent=False, json=body)
        except PermanentFailure as e:
            if resolution and e.status in RESOLUTION_REFUSALS:
                raise ResolutionRefused(str(e), e.status) from e
            raise

    def status_types(self) -> dict[str, str]:
        response = self._client.get("/v2/statuses")
        with reading("GET /v2/statuses"):
            return {status.key: status.type for status in STATUSES.validate_json(response.content) if status.type}

    def open_issues_of(self, queue: str, pachca_user_id: int) -> list[IssueInfo]:
        query = f'Queue: {queue} {queue}.pachcaUserId: "{pachca_user_id}" Resolution: empty() "Sort by": Updated DESC'
        response = self._client.request(
            "POST", "/v2/issues/_search", idempotent=True, json={"query": query}, params={"perPage": 50}
        )
        with reading("POST /v2/issues/_search"):
            return [issue.to_info() for issue in ISSUES.validate_json(response.content)]

    def issues_updated(self, queue: str, within_minutes: int, limit: int) -> list[IssueInfo]:
        """Tracker's query language: `Updated: >= now()-<N>m`, oldest change first (docs/tracker.md, «Recovery»)."""
        query = f'Queue: {queue} Updated: >= now()-{max(1, within_minutes)}m "Sort by": Updated ASC'
        response = self._client.request(
            "POST", "/v2/issues/_search", idempotent=True, json={"query": query}, params={"perPage": min(limit, 100)}
        )
        with reading("POST /v2/issues/_search"):
            return [issue.to_info() for issue in ISSUES.validate_json(response.content)][:limit]

    def get_user(self, login: str) -> Person | None:
        # a login of digits alone would be read as a uid: Tracker takes `login:<login>` for it (docs/tracker.md)
        path = f"/v2/users/login:{login}" if login.isdigit() else f"/v2/users/{segment(login)}"
        try:
            response = self._client.get(path)
        except NotFound:
            return None
        with reading(f"GET {path}"):
            found = USER_OR_LIST.validate_json(response.content)
        if isinstance(found, list):
            return found[0].to_person() if found else None
        return found.to_person()

    def set_local_fields(self, key: TicketKey, values: Mapping[str, str]) -> None:
        self._client.request("PATCH", f"/v2/issues/{key}", idempotent=True, json=dict(values))

    def assign(self, key: TicketKey, login: str) -> None:
        self._client.request("PATCH", f"/v2/issues/{key}", idempotent=True, json={"assignee": login})

    def link(self, key: TicketKey, relationship: str, other: TicketKey) -> None:
        body = {"relationship": relationship, "issue": str(other)}
        try:
            self._client.request("POST", f"/v2/issues/{key}/links", idempotent=False, json=body)
        except PermanentFailure as e:
            if e.status not in LINK_EXISTS:
                raise
            log.info("issues already linked", extra={"issue": str(key), "other": str(other)})

    def _find_by_unique(self, unique: str) -> TicketKey:
        call = "POST /v2/issues/_findByUnique"
        try:
            response = self._client.request(
                "POST", "/v2/issues/_findByUnique", idempotent=True, params={"unique": unique}
            )
        except NotFound as e:
            raise PermanentFailure(f"tracker: 409 on create, and no issue has unique {unique}", CONFLICT) from e
        return _issue_key(response, call)

    # comments

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
        response = self._client.get(path, params={"expand": "attachments"})
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
        response = self._client.get(path, params=params)
        with reading(f"GET {path}"):
            return [comment.to_comment(key) for comment in COMMENTS.validate_json(response.content)]


def _issue_body(issue: NewIssue, field_ids: Mapping[str, str]) -> dict[str, Any]:
    missing = sorted(set(issue.local_fields) - set(field_ids))
    if missing:
        log.warning("local fields without an id are left out", extra={"queue": issue.queue, "fields": missing})
    local = {field_ids[name]: value for name, value in issue.local_fields.items() if name in field_ids}
    return {
        "queue": issue.queue,
        "summary": issue.summary,
        "description": issue.description,
        "markupType": "md",
        "tags": list(issue.tags),
        "unique": issue.unique,
        **({"attachmentIds": list(issue.attachment_ids)} if issue.attachment_ids else {}),
        **local,
    }


def _issue_key(response: requests.Response, call: str) -> TicketKey:
    with reading(call):
        return TicketKey(IssueKey.model_validate_json(response.content).key)
