"""What the bridge keeps to do its work: links between the sides, its own writes, cached lookups."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
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

    def begin(self, effect: str, kind: str, now: float, lasting: bool = False) -> None:
        """Records that the write is being made. A `lasting` record belongs to the ticket's lasting record, as its
        links do: retention never forgets it (a Tracker comment carried into Pachca is never carried twice)."""
        ...

    def finish(self, effect: str, kind: str, external_id: str) -> None: ...

    def is_own(self, kind: str, external_id: str) -> bool: ...


@runtime_checkable
class Cache(Protocol):
    """Slow lookups kept with an expiry (people, the bot's and robot's ids, field ids)."""

    def get(self, key: str, now: float) -> str | None: ...

    def put(self, key: str, value: str, expires_at: float) -> None: ...


class VersionClaim(Enum):
    TAKEN = "taken"  # the caller now writes this version to Tracker, then carries it or lets go
    STALE = "stale"  # a newer version, or the deletion, was carried: this one changes nothing
    BUSY = "busy"  # another writer holds the message: try again later


@runtime_checkable
class CarriedVersions(Protocol):
    """Which version of each carried Pachca message Tracker shows. One writer at a time per message: the check that
    a version is newer and the taking of the message are one atomic step, so the newest edit always ends up written
    and nothing overwrites a carried deletion."""

    def take_version(self, message_id: int, moment: float | None, now: float, lease_seconds: float) -> VersionClaim:
        """`moment`: the version's `changed_at` in seconds since the epoch; None for the message's deletion, which is
        newer than every edit. A taken message is held for `lease_seconds`, then anyone may take it."""
        ...

    def carry_version(self, message_id: int, moment: float | None) -> None:
        """The version taken is written to Tracker: it is recorded, and the message let go."""
        ...

    def let_go_version(self, message_id: int) -> None:
        """The version taken could not be written: the message is let go, nothing recorded."""
        ...
