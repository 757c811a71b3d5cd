"""What the bridge keeps to do its work: links between the sides, its own writes, cached lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.tickets import Ticket, TicketKey


@runtime_checkable
class LinkStore(Protocol):
    """Which Pachca message, thread and card belong to which Tracker issue."""

    def save_ticket(self, ticket: Ticket) -> None: ...

    def ticket_by_message(self, message_id: int) -> Ticket | None: ...

    def ticket_by_thread(self, thread_id: int) -> Ticket | None: ...

    def ticket_by_key(self, key: TicketKey) -> Ticket | None: ...


@dataclass(frozen=True)
class WriteRecord:
    effect: str
    kind: str
    external_id: str | None  # None while the write's outcome is not known


@runtime_checkable
class WriteLog(Protocol):
    """The bridge's own writes: to do each once, and to know its own echo by id."""

    def lookup(self, effect: str) -> WriteRecord | None: ...

    def begin(self, effect: str, kind: str, now: float) -> None: ...

    def finish(self, effect: str, kind: str, external_id: str) -> None: ...

    def is_own(self, kind: str, external_id: str) -> bool: ...


@runtime_checkable
class Cache(Protocol):
    """Slow lookups kept with an expiry (people, the bot's and robot's ids, field ids)."""

    def get(self, key: str, now: float) -> str | None: ...

    def put(self, key: str, value: str, expires_at: float) -> None: ...
