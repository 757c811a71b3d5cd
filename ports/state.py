"""What the bridge remembers: events seen, links between the sides, its own writes, cached lookups."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

from domain.tickets import Ticket, TicketKey


class ClaimStatus(Enum):
    ACQUIRED = "acquired"  # the caller now holds the event and must complete or release it
    DONE = "done"  # handled before; `outcome` says how
    BUSY = "busy"  # another worker holds a live lease, or it waits in the outbox for its due time


@dataclass(frozen=True)
class Claim:
    status: ClaimStatus
    outcome: str | None = None
    attempts: int = 0


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


@runtime_checkable
class IdempotencyStore(Protocol):
    """Every accepted event, keyed by what makes it the same event: claim it, then complete or release it."""

    def claim(self, key: str, kind: str, payload: str, now: float, lease_seconds: float) -> Claim:
        """Atomic put-if-absent. Takes over an entry whose lease expired or whose retry is due."""
        ...

    def complete(self, key: str, outcome: str) -> None: ...

    def release(self, key: str, error: str, retry_at: float) -> None:
        """Gives the event back for a retry at `retry_at` (the outbox)."""
        ...


@runtime_checkable
class Outbox(Protocol):
    """The events that failed for a transient reason and wait for a retry."""

    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]: ...

    def bury(self, key: str, error: str) -> None:
        """Gives up on an event: it is kept as dead for people to look at."""
        ...

    def stats(self) -> OutboxStats: ...

    def dead(self, limit: int = 20) -> list[StoredEvent]: ...


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


@runtime_checkable
class HealthCheck(Protocol):
    def ping(self) -> None:
        """Raises StateUnavailable unless the store can write (it writes and rolls back)."""
        ...


@dataclass(frozen=True)
class Footprint:
    bytes: int  # what the store's tables and indexes take (PostgreSQL: on disk, freed space included)
    events: int  # events kept: unfinished, finished (key and outcome) and dead
    payload_bytes: int  # the payloads kept: unfinished and dead events only
    oldest: float | None  # when the oldest event kept was first seen


@runtime_checkable
class Retention(Protocol):
    """Forgets what is no longer needed, a bounded batch at a time, so one pass never runs long."""

    def purge(self, keys_before: float, now: float, limit: int) -> int:
        """Drops finished events' payloads; deletes finished and dead events first seen before `keys_before`,
        write records begun before it that no unfinished event may still need, and cache entries expired at `now`.
        At most `limit` rows of each kind; returns how many rows it changed."""
        ...

    def footprint(self) -> Footprint: ...


@runtime_checkable
class WriteSlots(Protocol):
    """A sliding-window write limit shared by every instance using the store."""

    def reserve(self, key: str, limit: int, span: float) -> float:
        """Takes the next of at most `limit` slots per `span` seconds for `key`; the seconds to wait for it."""
        ...
