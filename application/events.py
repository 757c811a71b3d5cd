"""What every event the bridge acts on is, the registry of their kinds, and Pachca's events: messages posted,
replied in a thread, edited, deleted; a button of the bot's clicked, a form of the bot's submitted.

An event is a plain value with a key that makes two deliveries the same event, stored in the outbox as JSON and
read back by `load_event`. Tracker's events, and the catalogue they are read through, are in
`application.tracker_events`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from domain.tickets import ThreadRef

FORM_WINDOW_SECONDS = 3600


class Unreadable(ValueError):
    """An authenticated body the bridge cannot read as any of its events (the reason says why)."""


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            EVENT_TYPES[cls.kind] = cls

    @property
    def key(self) -> str:
        """What makes two deliveries the same event."""
        raise NotImplementedError

    def dump(self) -> str:
        """ASCII, escapes and all: whatever text an event carries, every store can keep it."""
        return json.dumps(asdict(self))


EVENT_TYPES: dict[str, type[Event]] = {}  # every event kind -> its class; each class registers itself


def load_event(cls: type[Event], payload: str) -> Event:
    """The event a stored payload holds, as `cls` (the class of the kind it was stored under)."""
    data: dict[str, Any] = json.loads(payload)
    for f in fields(cls):
        if f.name == "values":
            data[f.name] = tuple(tuple(pair) for pair in data[f.name])
    return cls(**data)


# Pachca's messages


@dataclass(frozen=True)
class MessagePosted(Event):
    """A top-level message in a chat, or a direct message to the bot."""

    kind: ClassVar[str] = "pachca.message"
    message_id: int
    chat_id: int
    user_id: int
    text: str
    url: str
    direct: bool = False

    @property
    def key(self) -> str:
        return f"pachca:message:{self.message_id}"


@dataclass(frozen=True)
class ThreadReplyPosted(Event):
    kind: ClassVar[str] = "pachca.reply"
    message_id: int
    thread_id: int
    thread_chat_id: int
    root_message_id: int
    root_chat_id: int
    user_id: int
    text: str
    url: str = ""

    @property
    def key(self) -> str:
        return f"pachca:reply:{self.message_id}"

    @property
    def thread(self) -> ThreadRef:
        return ThreadRef(self.thread_id, self.thread_chat_id, self.root_message_id, self.root_chat_id)


@dataclass(frozen=True)
class MessageEdited(Event):
    """An `update` of a Pachca message: a new text, as of `changed_at` (ISO-8601)."""

    kind: ClassVar[str] = "pachca.edit"
    message_id: int
    root_message_id: int  # the thread's root for a reply, 0 for a top-level message
    user_id: int
    text: str
    changed_at: str
    created_at: float  # epoch seconds: a fresh message's `new` may still be on its way
    chat_id: int = 0  # the conversation's chat: the thread's root chat for a reply; 0 when not known
    direct: bool = False  # a direct message to the bot

    @property
    def key(self) -> str:
        """Every version of a message is its own event: two edits in a row are two events."""
        return f"pachca:edit:{self.message_id}:{self.changed_at}"


@dataclass(frozen=True)
class MessageDeleted(Event):
    kind: ClassVar[str] = "pachca.delete"
    message_id: int
    root_message_id: int
    user_id: int
    created_at: float
    chat_id: int = 0  # as in MessageEdited
    direct: bool = False

    @property
    def key(self) -> str:
        return f"pachca:delete:{self.message_id}"


# Pachca's interactive events


@dataclass(frozen=True)
class ButtonClicked(Event):
    kind: ClassVar[str] = "pachca.button"
    message_id: int
    chat_id: int
    user_id: int
    data: str
    trigger_id: str

    @property
    def key(self) -> str:
        return f"pachca:button:{self.trigger_id}"


@dataclass(frozen=True)
class FormSubmitted(Event):
    kind: ClassVar[str] = "pachca.form"
    user_id: int
    chat_id: int
    callback_id: str
    metadata: str
    values: tuple[tuple[str, str], ...]
    sent_at: float = 0.0

    @property
    def key(self) -> str:
        """The same answers from the same person within the hour are one submission (a re-submit after a timeout);
        the same answers sent again later are a new request."""
        content = json.dumps([self.chat_id, self.callback_id, self.metadata, self.values], ensure_ascii=False)
        digest = hashlib.sha256(content.encode()).hexdigest()[:16]
        return f"pachca:form:{self.user_id}:{int(self.sent_at) // FORM_WINDOW_SECONDS}:{digest}"

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")


@dataclass(frozen=True)
class MergeRequested(Event):
    """«Объединить с …» pressed on a follow-up's card: one merge per follow-up, whoever pressed and how often. The
    merge is claimed as this event (`application.once.exclusive`), and the drain finishes one that failed part way."""

    kind: ClassVar[str] = "pachca.merge"
    key_from: str  # the follow-up, closed as a duplicate
    key_into: str  # the earlier ticket it joins
    user_id: int

    @property
    def key(self) -> str:
        return f"merge:{self.key_from}"


@dataclass(frozen=True)
class BodyRefused(Event):
    """An authenticated body that could not be read (`Unreadable`): kept, refused, with its reason, so `doctor`
    counts it; the same body delivered again is the same event."""

    kind: ClassVar[str] = "unreadable"
    digest: str  # of the raw body
    reason: str

    @property
    def key(self) -> str:
        return f"unreadable:{self.digest}"
