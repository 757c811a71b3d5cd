"""Pachca messages as events: posted at the top level, replied in a thread, edited, deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from application.event import Event
from domain.tickets import ThreadRef


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
