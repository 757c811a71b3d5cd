"""Looking after the store: its health, what it keeps and forgets, and the write limit it shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


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
