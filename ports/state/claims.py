"""What the inbox remembers of every event it accepted: who holds it, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable


class ClaimStatus(Enum):
    ACQUIRED = "acquired"  # the caller now holds the event and must complete or release it
    DONE = "done"  # handled before; `outcome` says how
    BUSY = "busy"  # another worker holds a live lease, or it waits in the outbox for its due time


@dataclass(frozen=True)
class Claim:
    status: ClaimStatus
    outcome: str | None = None
    attempts: int = 0


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
