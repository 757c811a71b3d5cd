"""Tickets: the Tracker issue opened from a Pachca message, and the thread that follows it.

- The ticket, its key and its thread.
- What Tracker is asked to create for a message: the summary, the description, the tag.
- The link an issue keeps to its Pachca message, in the queue's local fields (named and converted here only).
- Which queue a chat's tickets go to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from domain.people import Person


@dataclass(frozen=True)
class TicketKey:
    value: str

    _PATTERN = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")

    def __post_init__(self) -> None:
        if not self._PATTERN.match(self.value):
            raise ValueError(f"not a Tracker issue key: {self.value!r}")

    def __str__(self) -> str:
        return self.value

    @property
    def queue(self) -> str:
        """The queue the issue is in: its key's prefix."""
        return self.value.rsplit("-", 1)[0]


@dataclass(frozen=True)
class ThreadRef:
    """A Pachca thread: its own id, its own chat, and the message it hangs from."""

    thread_id: int
    chat_id: int
    root_message_id: int
    root_chat_id: int


@dataclass(frozen=True)
class Ticket:
    """An issue opened from a Pachca message and the thread that follows it."""

    key: TicketKey
    message_id: int
    chat_id: int
    requester_id: int
    thread: ThreadRef | None = None
    card_message_id: int | None = None
    status: str | None = None

    @property
    def unique(self) -> str:
        return unique_for_message(self.message_id)

    def with_card(self, card_message_id: int) -> Ticket:
        return replace(self, card_message_id=card_message_id)

    def with_status(self, status: str) -> Ticket:
        return replace(self, status=status)


def unique_for_message(message_id: int) -> str:
    return f"pachca-message-{message_id}"


TICKET_TAG = "Создана в Пачке"
SUMMARY_LIMIT = 120


@dataclass(frozen=True)
class PachcaMessage:
    message_id: int
    chat_id: int
    user_id: int
    text: str
    url: str


@dataclass(frozen=True)
class NewIssue:
    queue: str
    summary: str
    description: str
    unique: str
    tags: tuple[str, ...]
    local_fields: dict[str, str] = field(default_factory=dict)
    attachment_ids: tuple[str, ...] = ()  # temporary attachments that become the issue's files

    @classmethod
    def from_message(
        cls, queue: str, message: PachcaMessage, author: Person, thread: ThreadRef, topic: str | None = None
    ) -> NewIssue:
        summary = ticket_summary(message.text, topic)
        author_line = author.display_name + (f" (@{author.nickname})" if author.nickname else "")
        link = IssueLink(message.message_id, message.chat_id, message.user_id, thread.thread_id)
        return cls(
            queue=queue,
            summary=summary,
            description=f"{message.text}\n\nАвтор: {author_line}\n{message.url}",
            unique=unique_for_message(message.message_id),
            tags=(TICKET_TAG,),
            local_fields=link.to_fields(),
        )


def ticket_summary(text: str, topic: str | None = None) -> str:
    """The first line of the message, after the intake form's topic when there is one."""
    summary = summarize(text)
    return truncate(f"{topic}: {summary}", SUMMARY_LIMIT) if topic else summary


def summarize(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return truncate(first_line, SUMMARY_LIMIT) or "Заявка из Пачки"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


FIELD_DESCRIPTION = "Set by the Pachca bridge"


@dataclass(frozen=True)
class LinkField:
    """A local field of the queue, as `setup` creates it."""

    key: str
    name_en: str
    name_ru: str
    description: str = FIELD_DESCRIPTION


MESSAGE = LinkField("pachcaMessageId", "Pachca message id", "ID сообщения в Пачке")
CHAT = LinkField("pachcaChatId", "Pachca chat id", "ID чата в Пачке")
USER = LinkField("pachcaUserId", "Pachca user id", "ID автора в Пачке")
THREAD = LinkField("pachcaThreadId", "Pachca thread id", "ID треда в Пачке")
LINK_FIELDS = (MESSAGE, CHAT, USER, THREAD)
LINK_FIELD_KEYS = tuple(f.key for f in LINK_FIELDS)
RATING = LinkField("pachcaRating", "Pachca rating", "Оценка в Пачке", "The requester's rating (1-5), from Pachca")
QUEUE_FIELDS = (*LINK_FIELDS, RATING)  # what `setup` creates in each queue and `doctor` looks for


@dataclass(frozen=True)
class IssueLink:
    """Which Pachca message (in which chat, by whom, with which thread) an issue was opened from."""

    message_id: int
    chat_id: int | None = None
    user_id: int | None = None
    thread_id: int | None = None

    def to_fields(self) -> dict[str, str]:
        values = (self.message_id, self.chat_id, self.user_id, self.thread_id)
        return {f.key: str(v) for f, v in zip(LINK_FIELDS, values, strict=True) if v is not None}

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> IssueLink | None:
        """None when the issue names no Pachca message: it was not opened by the bridge."""
        message_id, chat_id, user_id, thread_id = (_number(fields, f.key) for f in LINK_FIELDS)
        return None if message_id is None else cls(message_id, chat_id, user_id, thread_id)


def _number(fields: Mapping[str, str], name: str) -> int | None:
    value = fields.get(name, "").strip()
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class QueueRouting:
    """Each chat's tickets go to its own queue when it has one, else to the default queue (`TRACKER_QUEUE`)."""

    default: str
    by_chat: Mapping[int, str] = field(default_factory=dict)

    def queue_for(self, chat_id: int) -> str:
        return self.by_chat.get(chat_id, self.default)

    @property
    def queues(self) -> tuple[str, ...]:
        """Every queue the bridge opens tickets in, the default first, each once."""
        return tuple(dict.fromkeys((self.default, *self.by_chat.values())))

    @property
    def routed_chats(self) -> frozenset[int]:
        """The chats CHAT_QUEUES names: support chats, whatever SUPPORT_CHAT_IDS says."""
        return frozenset(self.by_chat)
