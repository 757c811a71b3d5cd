"""Inbound webhook bodies, read tolerantly: only the fields the bridge needs, unknown ones ignored."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from application.events import (
    ButtonClicked,
    Event,
    FormSubmitted,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ThreadReplyPosted,
    TrackerCommentAdded,
    TrackerStatusChanged,
)

TRACKER_EVENT_TYPES = ("issueCommentEvent", "issueStatusEvent")
TIMER_EVENT_TYPE = "yandex.cloud.events.serverless.triggers.TimerMessage"
ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")


Id = Annotated[int, Field(ge=0, lt=2**63)]  # Pachca ids are 64-bit; anything else is not an id


class BadPayload(ValueError):
    """Authenticated, but not a body the bridge can read."""


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _ThreadOrigin(_Tolerant):
    message_id: Id
    message_chat_id: Id


class PachcaMessage(_Tolerant):
    id: Id
    event: str
    entity_type: str
    entity_id: Id
    chat_id: Id
    user_id: Id
    content: str = ""
    url: str = ""
    thread: _ThreadOrigin | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None


class PachcaButton(_Tolerant):
    message_id: Id
    user_id: Id
    chat_id: Id = 0
    data: str = ""
    trigger_id: str = ""


class PachcaViewSubmit(_Tolerant):
    user_id: Id
    chat_id: Id | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    webhook_timestamp: float = 0.0


class _IssueRef(_Tolerant):
    key: str


class _CommentRef(_Tolerant):
    id: str | int


class TrackerTrigger(_Tolerant):
    type: str
    issue: _IssueRef
    comment: _CommentRef | None = None


def is_timer(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return False
    return any(_is_timer_message(m) for m in body["messages"])


def _is_timer_message(message: Any) -> bool:
    metadata = message.get("event_metadata") if isinstance(message, dict) else None
    return isinstance(metadata, dict) and metadata.get("event_type") == TIMER_EVENT_TYPE


def is_tracker(body: Any) -> bool:
    return isinstance(body, dict) and body.get("type") in TRACKER_EVENT_TYPES


def pachca_event(body: dict[str, Any]) -> Event | None:
    """The bridge's event for a Pachca webhook, or None for the kinds it ignores."""
    kind = (body.get("type"), body.get("event"))
    try:
        if kind == ("message", "new"):
            return _message(PachcaMessage.model_validate(body))
        if kind in (("message", "update"), ("message", "delete")):
            return _change(PachcaMessage.model_validate(body), deleted=body.get("event") == "delete")
        if kind == ("button", "click"):
            click = PachcaButton.model_validate(body)
            return ButtonClicked(click.message_id, click.chat_id, click.user_id, click.data, click.trigger_id)
        if kind == ("view", "submit"):
            view = PachcaViewSubmit.model_validate(body)
            values = tuple(sorted((str(k), _text(v)) for k, v in view.data.items()))
            return FormSubmitted(
                view.user_id,
                view.chat_id or 0,
                view.callback_id or "",
                view.private_metadata or "",
                values,
                view.webhook_timestamp,
            )
    except ValidationError as e:
        raise BadPayload(_first_problem(e)) from None
    return None  # link_shared, reactions, members, calls, exports, and kinds not yet invented: nothing to do


def _message(message: PachcaMessage) -> Event:
    if message.entity_type == "thread" or message.thread is not None:
        origin = message.thread or _ThreadOrigin(message_id=0, message_chat_id=0)
        return ThreadReplyPosted(
            message_id=message.id,
            thread_id=message.entity_id,
            thread_chat_id=message.chat_id,
            root_message_id=origin.message_id,
            root_chat_id=origin.message_chat_id,
            user_id=message.user_id,
            text=message.content,
            url=message.url,
        )
    return MessagePosted(
        message_id=message.id,
        chat_id=message.chat_id,
        user_id=message.user_id,
        text=message.content,
        url=message.url,
        direct=message.entity_type == "user",
    )


def _change(message: PachcaMessage, deleted: bool) -> Event:
    """An edit or a deletion; `changed_at` orders edits (it equals `created_at` for a message never edited)."""
    if message.created_at is None:
        raise BadPayload("created_at: missing")
    root = message.thread.message_id if message.thread is not None else 0
    created = message.created_at.timestamp()
    if deleted:
        return MessageDeleted(message.id, root, message.user_id, created)
    changed = (message.changed_at or message.created_at).isoformat()
    return MessageEdited(message.id, root, message.user_id, message.content, changed, created)


def tracker_event(body: dict[str, Any], received_at: float) -> Event:
    try:
        trigger = TrackerTrigger.model_validate(body)
    except ValidationError as e:
        raise BadPayload(_first_problem(e)) from None
    if not ISSUE_KEY.match(trigger.issue.key):
        raise BadPayload("issue.key: not an issue key")
    if trigger.type == "issueCommentEvent":
        comment_id = str(trigger.comment.id) if trigger.comment else ""
        if not comment_id.strip() or not comment_id.replace("-", "").isalnum():
            raise BadPayload("comment.id: missing or malformed")
        return TrackerCommentAdded(trigger.issue.key, comment_id)
    return TrackerStatusChanged(trigger.issue.key, received_at)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return f"{where}: {first.get('msg', 'invalid')}"
