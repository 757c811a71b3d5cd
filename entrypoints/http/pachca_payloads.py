"""Pachca's webhook bodies (see docs/pachca.md, «Webhooks») as the bridge's events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from application.event import Event
from application.form_events import ButtonClicked, FormSubmitted
from application.message_events import MessageDeleted, MessageEdited, MessagePosted, ThreadReplyPosted
from entrypoints.http.pachca_bodies import PachcaButton, PachcaMessage, PachcaViewSubmit, ThreadOrigin
from entrypoints.http.payloads import BadPayload, first_problem


def pachca_event(body: dict[str, Any]) -> Event | None:
    """The bridge's event for a Pachca webhook, or None for the kinds it ignores."""
    read = READERS.get((body.get("type"), body.get("event")))
    if read is None:
        return None  # link_shared, reactions, members, calls, exports, and kinds not yet invented: nothing to do
    try:
        return read(body)
    except ValidationError as e:
        raise BadPayload(first_problem(e)) from None


def _new_message(body: dict[str, Any]) -> Event:
    return _message(PachcaMessage.model_validate(body))


def _edited_message(body: dict[str, Any]) -> Event:
    """`changed_at` orders the edits of a message (it equals `created_at` for a message never edited)."""
    message = PachcaMessage.model_validate(body)
    created = _created(message)
    changed = (message.changed_at or created).isoformat()
    chat, direct = _conversation(message)
    return MessageEdited(
        message.id, _root(message), message.user_id, message.content, changed, created.timestamp(), chat, direct
    )


def _deleted_message(body: dict[str, Any]) -> Event:
    message = PachcaMessage.model_validate(body)
    chat, direct = _conversation(message)
    return MessageDeleted(message.id, _root(message), message.user_id, _created(message).timestamp(), chat, direct)


def _created(message: PachcaMessage) -> datetime:
    if message.created_at is None:
        raise BadPayload("created_at: missing")
    return message.created_at


def _conversation(message: PachcaMessage) -> tuple[int, bool]:
    """The chat a ticket for this message would belong to (a reply's root chat), and whether it is a direct one."""
    if message.thread is not None:
        return message.thread.message_chat_id, False
    return message.chat_id, message.entity_type == "user"


def _root(message: PachcaMessage) -> int:
    """The thread's root message for a reply; 0 for a top-level message."""
    return message.thread.message_id if message.thread is not None else 0


def _button(body: dict[str, Any]) -> Event:
    click = PachcaButton.model_validate(body)
    return ButtonClicked(click.message_id, click.chat_id, click.user_id, click.data, click.trigger_id)


def _form(body: dict[str, Any]) -> Event:
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


def _message(message: PachcaMessage) -> Event:
    if message.entity_type == "thread" or message.thread is not None:
        origin = message.thread or ThreadOrigin(message_id=0, message_chat_id=0)
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


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


# (type, event) of a Pachca webhook -> its reader; a new kind the bridge acts on is one line here
READERS: dict[tuple[object, object], Callable[[dict[str, Any]], Event | None]] = {
    ("message", "new"): _new_message,
    ("message", "update"): _edited_message,
    ("message", "delete"): _deleted_message,
    ("button", "click"): _button,
    ("view", "submit"): _form,
}
