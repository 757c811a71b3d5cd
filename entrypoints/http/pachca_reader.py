"""Pachca's webhook bodies (see docs/pachca.md, «Webhooks») as the bridge's events: the one place that reads them.

Readers are tolerant (fields the bridge does not read are ignored); a body of a kind the bridge acts on that lacks
what the kind needs is `Unreadable`, with the first problem named in JSON terms.
"""

from __future__ import annotations

from collections.abc import Callable
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
    Unreadable,
)

Id = Annotated[int, Field(ge=0, lt=2**63)]  # Pachca ids are 64-bit; anything else is not an id


def pachca_event(body: dict[str, Any]) -> Event | None:
    """The bridge's event for a Pachca webhook, or None for the kinds it ignores."""
    kind = body.get("type"), body.get("event")
    for name, part in zip(("type", "event"), kind, strict=True):
        if not isinstance(part, str):
            raise Unreadable(f"{name}: should be a string")
    read = READERS.get(kind)
    if read is None:
        return None  # link_shared, reactions, members, calls, exports, and kinds not yet invented: nothing to do
    try:
        return read(body)
    except ValidationError as e:
        raise Unreadable(first_problem(e)) from None


# the bodies, as Pachca sends them: the fields the bridge reads


class Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)  # built on first use, not at import


class ThreadOrigin(Tolerant):
    message_id: Id
    message_chat_id: Id


class PachcaMessage(Tolerant):
    id: Id
    event: str
    entity_type: str
    entity_id: Id
    chat_id: Id
    user_id: Id
    content: str = ""
    url: str = ""
    thread: ThreadOrigin | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None


class PachcaButton(Tolerant):
    message_id: Id
    user_id: Id
    chat_id: Id = 0
    data: str = ""
    trigger_id: str = ""


class PachcaViewSubmit(Tolerant):
    user_id: Id
    chat_id: Id | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    webhook_timestamp: float = 0.0


def first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    # pydantic names its own model classes in some messages; a sender is told the JSON type instead
    shape = {"model_type": "should be an object", "dict_type": "should be an object"}.get(first.get("type", ""))
    return f"{where}: {shape or first.get('msg', 'invalid')}"


# the readers


def _new_message(body: dict[str, Any]) -> Event:
    message = PachcaMessage.model_validate(body)
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
        raise Unreadable("created_at: missing")
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


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


# (type, event) of a Pachca webhook -> its reader; a new kind the bridge acts on is one line here
READERS: dict[tuple[object, object], Callable[[dict[str, Any]], Event]] = {
    ("message", "new"): _new_message,
    ("message", "update"): _edited_message,
    ("message", "delete"): _deleted_message,
    ("button", "click"): _button,
    ("view", "submit"): _form,
}
