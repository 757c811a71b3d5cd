"""Yandex Tracker over its REST API (v2), through the one outbound call policy (`adapters.http`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import requests
from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic.alias_generators import to_camel

from adapters.http import HttpClient
from domain.model import NewIssue, Person, TicketKey, TrackerComment
from ports.errors import NotFound, PermanentFailure, ResolutionRefused
from ports.tracker import IssueInfo, Transition

log = logging.getLogger("servicedesk.tracker")

LOCAL_FIELD_SEPARATOR = "--"
CONFLICT = 409
RESOLUTION_REFUSALS = (400, 422)  # a transition screen without the resolution field


COMMENTS_PER_PAGE = 50
MAX_COMMENT_PAGES = 100


def tracker_client(
    session: requests.Session,
    base_url: str,
    token: str,
    org_id: str | None = None,
    cloud_org_id: str | None = None,
    **kw: Any,
) -> HttpClient:
    """An HttpClient for Tracker; exactly one of `org_id` (Yandex 360) and `cloud_org_id` (Cloud) is sent."""
    if bool(org_id) == bool(cloud_org_id):
        raise ValueError("tracker: give exactly one of org_id and cloud_org_id")
    org_header = {"X-Org-ID": org_id} if org_id else {"X-Cloud-Org-ID": str(cloud_org_id)}
    headers = {"Authorization": f"OAuth {token}", **org_header}
    return HttpClient(session, base_url, headers, service="tracker", **kw)


class HttpIssueTracker:
    """Implements IssueTracker."""

    def __init__(self, client: HttpClient) -> None:
        self._client = client

    def myself(self) -> Person:
        response = self._get("/v2/myself")
        with _reading("GET /v2/myself"):
            return _User.model_validate_json(response.content).to_person()

    def local_field_ids(self, queue: str) -> dict[str, str]:
        path = f"/v2/queues/{_segment(queue)}/localFields"
        response = self._get(path)
        with _reading(f"GET {path}"):
            fields = _LOCAL_FIELDS.validate_json(response.content)
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
        with _reading("POST /v2/issues/_search"):
            found = _ISSUE_KEYS.validate_json(response.content)
            return TicketKey(found[0].key) if found else None

    def get_issue(self, key: TicketKey) -> IssueInfo:
        path = f"/v2/issues/{key}"
        response = self._get(path)
        with _reading(f"GET {path}"):
            return _Issue.model_validate_json(response.content).to_info()

    def add_comment(self, key: TicketKey, text: str, summonees: Sequence[str] = ()) -> str:
        path = f"/v2/issues/{key}/comments"
        body: dict[str, Any] = {"text": text, "markupType": "md"}
        if summonees:
            body["summonees"] = list(summonees)
        response = self._client.request("POST", path, idempotent=False, json=body, params={"isAddToFollowers": "false"})
        with _reading(f"POST {path}"):
            return _CommentId.model_validate_json(response.content).id

    def get_comment(self, key: TicketKey, comment_id: str) -> TrackerComment:
        path = f"/v2/issues/{key}/comments/{_segment(comment_id)}"
        response = self._get(path)
        with _reading(f"GET {path}"):
            return _Comment.model_validate_json(response.content).to_comment(key)

    def recent_comments(self, key: TicketKey) -> list[TrackerComment]:
        """The newest comments: Tracker pages oldest first, so the pages are walked to the end (`id` cursor)."""
        path = f"/v2/issues/{key}/comments"
        newest: list[TrackerComment] = []
        after: str | None = None
        for _ in range(MAX_COMMENT_PAGES):
            params: dict[str, Any] = {"perPage": COMMENTS_PER_PAGE} | ({"id": after} if after else {})
            response = self._get(path, params=params)
            with _reading(f"GET {path}"):
                page = [comment.to_comment(key) for comment in _COMMENTS.validate_json(response.content)]
            newest = (newest + page)[-COMMENTS_PER_PAGE:]
            if len(page) < COMMENTS_PER_PAGE:
                break
            after = page[-1].comment_id
        return newest

    def transitions(self, key: TicketKey) -> list[Transition]:
        path = f"/v2/issues/{key}/transitions"
        response = self._get(path)
        with _reading(f"GET {path}"):
            return [transition.to_transition() for transition in _TRANSITIONS.validate_json(response.content)]

    def execute_transition(
        self, key: TicketKey, transition_id: str, comment: str = "", resolution: str | None = None
    ) -> None:
        path = f"/v2/issues/{key}/transitions/{_segment(transition_id)}/_execute"
        body = ({"comment": comment} if comment else {}) | ({"resolution": resolution} if resolution else {})
        try:
            self._client.request("POST", path, idempotent=False, json=body)
        except PermanentFailure as e:
            if resolution and e.status in RESOLUTION_REFUSALS:
                raise ResolutionRefused(str(e), e.status) from e
            raise

    def status_types(self) -> dict[str, str]:
        response = self._get("/v2/statuses")
        with _reading("GET /v2/statuses"):
            return {status.key: status.type for status in _STATUSES.validate_json(response.content) if status.type}

    def open_issues_of(self, queue: str, pachca_user_id: int) -> list[IssueInfo]:
        query = f'Queue: {queue} {queue}.pachcaUserId: "{pachca_user_id}" Resolution: empty() "Sort by": Updated DESC'
        response = self._client.request(
            "POST", "/v2/issues/_search", idempotent=True, json={"query": query}, params={"perPage": 50}
        )
        with _reading("POST /v2/issues/_search"):
            return [issue.to_info() for issue in _ISSUES.validate_json(response.content)]

    def get_user(self, login: str) -> Person | None:
        path = f"/v2/users/{_segment(login)}"
        try:
            response = self._get(path)
        except NotFound:
            return None
        with _reading(f"GET {path}"):
            found = _USER_OR_LIST.validate_json(response.content)
        if isinstance(found, list):
            return found[0].to_person() if found else None
        return found.to_person()

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        return self._client.request("GET", path, idempotent=True, params=params)

    def _find_by_unique(self, unique: str) -> TicketKey:
        call = "POST /v2/issues/_findByUnique"
        try:
            response = self._client.request(
                "POST", "/v2/issues/_findByUnique", idempotent=True, params={"unique": unique}
            )
        except NotFound as e:
            raise PermanentFailure(f"tracker: 409 on create, and no issue has unique {unique}", CONFLICT) from e
        return _issue_key(response, call)


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
        **local,
    }


def _issue_key(response: requests.Response, call: str) -> TicketKey:
    with _reading(call):
        return TicketKey(_IssueKey.model_validate_json(response.content).key)


def _segment(value: str) -> str:
    return quote(value, safe="")


@contextmanager
def _reading(call: str) -> Iterator[None]:
    """Turns an answer that cannot be read (bad JSON, missing fields, a malformed key) into a port error."""
    try:
        yield
    except ValueError as e:
        raise PermanentFailure(f"tracker: unexpected answer to {call}") from e


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, coerce_numbers_to_str=True, frozen=True, defer_build=True
    )


class _User(_Model):
    uid: str
    login: str | None = None
    display: str = ""
    email: str | None = None

    def to_person(self) -> Person:
        return Person(
            id=self.uid,
            display_name=self.display or self.login or self.uid,
            nickname=self.login,
            email=self.email or None,
        )


class _UserRef(_Model):
    id: str
    display: str = ""
    login: str | None = None

    def to_person(self) -> Person:
        return Person(id=self.id, display_name=self.display or self.login or self.id, nickname=self.login)


class _LocalField(_Model):
    id: str
    key: str | None = None

    def short_key(self) -> str:
        return self.key or self.id.rpartition(LOCAL_FIELD_SEPARATOR)[2]


class _IssueKey(_Model):
    key: str


class _Status(_Model):
    key: str
    display: str = ""


class _StatusType(_Model):
    key: str
    type: str = ""


class _Issue(_Model):
    model_config = ConfigDict(
        extra="allow", defer_build=True
    )  # local fields arrive as `<prefix>--<key>`: kept as extras

    key: str
    summary: str = ""
    status: _Status
    updated_at: str = ""
    updated_by: _UserRef | None = None

    def to_info(self) -> IssueInfo:
        return IssueInfo(
            key=TicketKey(self.key),
            summary=self.summary,
            status_key=self.status.key,
            status_display=self.status.display,
            updated_at=self.updated_at,
            updated_by_id=self.updated_by.id if self.updated_by else None,
            local_fields=_local_fields(self.model_extra or {}),
        )


def _local_fields(extra: Mapping[str, object]) -> dict[str, str]:
    return {
        name.rpartition(LOCAL_FIELD_SEPARATOR)[2]: str(value)
        for name, value in extra.items()
        if LOCAL_FIELD_SEPARATOR in name and isinstance(value, str | int | float) and not isinstance(value, bool)
    }


class _CommentId(_Model):
    id: str


class _Comment(_Model):
    id: str
    text: str = ""
    created_by: _UserRef

    def to_comment(self, key: TicketKey) -> TrackerComment:
        return TrackerComment(issue_key=key, comment_id=self.id, author=self.created_by.to_person(), text=self.text)


class _Transition(_Model):
    id: str
    display: str = ""
    to: _Status

    def to_transition(self) -> Transition:
        return Transition(id=self.id, display=self.display, to_key=self.to.key, to_display=self.to.display)


_LOCAL_FIELDS = TypeAdapter(list[_LocalField], config=ConfigDict(defer_build=True))
_ISSUE_KEYS = TypeAdapter(list[_IssueKey], config=ConfigDict(defer_build=True))
_ISSUES = TypeAdapter(list[_Issue], config=ConfigDict(defer_build=True))
_COMMENTS = TypeAdapter(list[_Comment], config=ConfigDict(defer_build=True))
_TRANSITIONS = TypeAdapter(list[_Transition], config=ConfigDict(defer_build=True))
_STATUSES = TypeAdapter(list[_StatusType], config=ConfigDict(defer_build=True))
_USER_OR_LIST = TypeAdapter(list[_User] | _User, config=ConfigDict(defer_build=True))
