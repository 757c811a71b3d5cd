"""Tickets: the Tracker issue opened from a Pachca message, and the thread that follows it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


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
