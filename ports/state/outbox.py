"""The events that wait for a retry, and the dead ones kept for people to look at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class StoredEvent:
    key: str
    kind: str
    payload: str
    attempts: int
    first_seen: float
    last_error: str | None = None


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    dead: int


@dataclass(frozen=True)
class Waiting:
    """An event waiting for its next attempt, and when that is due (seconds since the epoch)."""

    key: str
    kind: str
    attempts: int
    due_at: float
    last_error: str | None = None


@runtime_checkable
class Outbox(Protocol):
    """The events that failed for a transient reason and wait for a retry."""

    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]: ...

    def bury(self, key: str, error: str) -> None:
        """Gives up on an event: it is kept as dead for people to look at."""
        ...

    def stats(self) -> OutboxStats: ...

    def waiting(self, limit: int = 20) -> list[Waiting]:
        """The events waiting for a retry, soonest first: what a person watching the queue wants to know."""
        ...

    def dead(self, limit: int = 20) -> list[StoredEvent]: ...
