"""Tracker's trigger bodies (the ones `setup` configures, see docs/tracker.md) as the bridge's events."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from application.event import Event
from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged
from entrypoints.http.payloads import BadPayload, Tolerant, first_problem

ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")


class _IssueRef(Tolerant):
    key: str


class _CommentRef(Tolerant):
    id: str | int


class TrackerTrigger(Tolerant):
    type: str
    issue: _IssueRef
    comment: _CommentRef | None = None


def tracker_event(body: dict[str, Any], received_at: float) -> Event:
    try:
        trigger = TrackerTrigger.model_validate(body)
    except ValidationError as e:
        raise BadPayload(first_problem(e)) from None
    if not ISSUE_KEY.match(trigger.issue.key):
        raise BadPayload("issue.key: not an issue key")
    if trigger.type == "issueCommentEvent":
        comment_id = str(trigger.comment.id) if trigger.comment else ""
        if not comment_id.strip() or not comment_id.replace("-", "").isalnum():
            raise BadPayload("comment.id: missing or malformed")
        return TrackerCommentAdded(trigger.issue.key, comment_id)
    return TrackerStatusChanged(trigger.issue.key, received_at)
