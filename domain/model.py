"""The bridge's vocabulary: tickets, threads, comments and what people see of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum

from domain.pachca_text import one_line

TICKET_TAG = "Создана в Пачке"
LOCAL_FIELDS = ("pachcaMessageId", "pachcaChatId", "pachcaUserId", "pachcaThreadId")
SUMMARY_LIMIT = 120


@dataclass(frozen=True)
class TicketKey:
    value: str

    _PATTERN = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")

    def __post_init__(self) -> None:
        if not self._PATTERN.match(self.value):
            raise ValueError(f"not a Tracker issue key: {self.value!r}")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ThreadRef:
    """A Pachca thread: its own id, its own chat, and the message it hangs from."""

    thread_id: int
    chat_id: int
    root_message_id: int
    root_chat_id: int


@dataclass(frozen=True)
class Person:
    """Someone as one side knows them; ids are strings because the sides disagree on their type."""

    id: str
    display_name: str
    nickname: str | None = None
    email: str | None = None
    is_bot: bool = False


@dataclass(frozen=True)
class PachcaMessage:
    message_id: int
    chat_id: int
    user_id: int
    text: str
    url: str


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


@dataclass(frozen=True)
class NewIssue:
    """What the tracker is asked to create for a message."""

    queue: str
    summary: str
    description: str
    unique: str
    tags: tuple[str, ...]
    local_fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_message(
        cls, queue: str, message: PachcaMessage, author: Person, thread: ThreadRef, topic: str | None = None
    ) -> NewIssue:
        summary = summarize(message.text)
        if topic:
            summary = truncate(f"{topic}: {summary}", SUMMARY_LIMIT)
        author_line = author.display_name + (f" (@{author.nickname})" if author.nickname else "")
        description = f"{message.text}\n\nАвтор: {author_line}\n{message.url}"
        return cls(
            queue=queue,
            summary=summary,
            description=description,
            unique=unique_for_message(message.message_id),
            tags=(TICKET_TAG,),
            local_fields={
                "pachcaMessageId": str(message.message_id),
                "pachcaChatId": str(message.chat_id),
                "pachcaUserId": str(message.user_id),
                "pachcaThreadId": str(thread.thread_id),
            },
        )


def summarize(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return truncate(first_line, SUMMARY_LIMIT) or "Заявка из Пачки"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Comment:
    """A comment travelling from one side to the other."""

    author: Person
    text: str

    def for_tracker(self) -> str:
        return f"**{self.author.display_name}** (Пачка):\n\n{self.text}"

    def for_pachca(self) -> str:
        return f"Добавлен комментарий:\nАвтор: {one_line(self.author.display_name)}\n{self.text}"


@dataclass(frozen=True)
class TrackerComment:
    issue_key: TicketKey
    comment_id: str
    author: Person
    text: str


class Action(Enum):
    TAKE = "take"
    CLOSE = "close"
    REOPEN = "reopen"
    MINE = "mine"
    NEW = "new"


@dataclass(frozen=True)
class Button:
    text: str
    url: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class ButtonPress:
    """The data of a bot button: `verb:KEY`, or `verb` alone for actions without a ticket."""

    action: Action
    key: TicketKey | None = None

    def encode(self) -> str:
        return self.action.value if self.key is None else f"{self.action.value}:{self.key}"

    @classmethod
    def decode(cls, data: str) -> ButtonPress | None:
        verb, _, key = data.partition(":")
        try:
            action = Action(verb)
            return cls(action, TicketKey(key) if key else None)
        except ValueError:
            return None


@dataclass(frozen=True)
class Card:
    """The bot's message in a ticket's thread."""

    text: str
    buttons: tuple[tuple[Button, ...], ...]

    @classmethod
    def for_ticket(
        cls, key: TicketKey, web_url: str, status: str | None = None, closed: bool = False, taken: bool = False
    ) -> Card:
        """Only the actions that make sense now: nobody takes a ticket in progress or closes a closed one."""
        text = f"Заявка **{key}** создана"
        if status:
            text += f"\nСтатус: {status}"
        link = (Button("Открыть в Трекере", url=f"{web_url.rstrip('/')}/{key}"),)
        if closed:
            actions: tuple[Button, ...] = (Button("Переоткрыть", data=ButtonPress(Action.REOPEN, key).encode()),)
        elif taken:
            actions = (Button("Закрыть", data=ButtonPress(Action.CLOSE, key).encode()),)
        else:
            actions = (
                Button("Взять в работу", data=ButtonPress(Action.TAKE, key).encode()),
                Button("Закрыть", data=ButtonPress(Action.CLOSE, key).encode()),
            )
        mine = (Button("Мои заявки", data=ButtonPress(Action.MINE).encode()),)
        return cls(text=text, buttons=(link, actions, mine))
