"""State kept in this process only: for tests and `memory://`. Thread-safe; lost on exit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import islice

from adapters.pachca.ratelimit import next_slot
from domain.tickets import Ticket, TicketKey
from ports.state.claims import Claim, ClaimStatus
from ports.state.outbox import OutboxStats, StoredEvent, Waiting
from ports.state.records import VersionClaim, WriteRecord
from ports.state.upkeep import Footprint

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"


@dataclass
class _Entry:
    key: str
    kind: str
    payload: str
    state: str
    attempts: int
    first_seen: float
    lease_until: float = 0.0
    due_at: float = 0.0
    outcome: str | None = None
    error: str | None = None


@dataclass
class _Version:
    carried: float | None = None
    deleted: bool = False
    lease_until: float = 0.0


class MemoryState:
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache, CarriedVersions, HealthCheck, Retention and
    WriteSlots."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock  # for the write slots, which live in this process only
        self._lock = threading.RLock()
        self._events: dict[str, _Entry] = {}
        self._tickets: dict[int, Ticket] = {}
        self._by_key: dict[TicketKey, int] = {}
        self._by_thread: dict[int, int] = {}
        self._writes: dict[str, WriteRecord] = {}
        self._own: set[tuple[str, str]] = set()
        self._cache: dict[str, tuple[str, float]] = {}
        self._written_at: dict[str, float] = {}
        self._slots: dict[str, list[float]] = {}
        self._lasting: set[str] = set()
        self._versions: dict[int, _Version] = {}

    # IdempotencyStore
    def claim(self, key: str, kind: str, payload: str, now: float, lease_seconds: float) -> Claim:
        with self._lock:
            entry = self._events.get(key)
            if entry is None:
                self._events[key] = _Entry(key, kind, payload, RUNNING, 1, now, lease_until=now + lease_seconds)
                return Claim(ClaimStatus.ACQUIRED, attempts=1)
            if entry.state in (DONE, DEAD):
                return Claim(ClaimStatus.DONE, outcome=entry.outcome or entry.state, attempts=entry.attempts)
            if _takeable(entry, now):
                entry.state, entry.lease_until = RUNNING, now + lease_seconds
                entry.attempts += 1
                return Claim(ClaimStatus.ACQUIRED, attempts=entry.attempts)
            return Claim(ClaimStatus.BUSY, attempts=entry.attempts)

    def complete(self, key: str, outcome: str) -> None:
        with self._lock:
            entry = self._events[key]
            entry.state, entry.outcome, entry.lease_until, entry.payload = DONE, outcome, 0.0, ""

    def release(self, key: str, error: str, retry_at: float) -> None:
        with self._lock:
            entry = self._events[key]
            entry.state, entry.error, entry.due_at, entry.lease_until = PENDING, error, retry_at, 0.0

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        with self._lock:
            due = sorted((e for e in self._events.values() if _takeable(e, now)), key=lambda e: e.due_at)[:limit]
            for entry in due:
                entry.state, entry.lease_until = RUNNING, now + lease_seconds
                entry.attempts += 1
            return [StoredEvent(e.key, e.kind, e.payload, e.attempts, e.first_seen) for e in due]

    def bury(self, key: str, error: str) -> None:
        with self._lock:
            entry = self._events[key]
            entry.state, entry.error, entry.outcome, entry.lease_until = DEAD, error, "dead", 0.0

    def stats(self) -> OutboxStats:
        with self._lock:
            states = [e.state for e in self._events.values()]
            return OutboxStats(pending=states.count(PENDING) + states.count(RUNNING), dead=states.count(DEAD))

    def waiting(self, limit: int = 20) -> list[Waiting]:
        with self._lock:
            pending = sorted((e for e in self._events.values() if e.state == PENDING), key=lambda e: e.due_at)
            return [Waiting(e.key, e.kind, e.attempts, e.due_at, e.error) for e in pending[:limit]]

    def dead(self, limit: int = 20) -> list[StoredEvent]:
        with self._lock:
            dead = [e for e in self._events.values() if e.state == DEAD][:limit]
            return [StoredEvent(e.key, e.kind, e.payload, e.attempts, e.first_seen, e.error) for e in dead]

    # LinkStore
    def save_ticket(self, ticket: Ticket) -> None:
        with self._lock:
            owner = self._by_key.get(ticket.key)
            if owner is not None and owner != ticket.message_id:
                raise ValueError(f"{ticket.key} already belongs to message {owner}")
            self._tickets[ticket.message_id] = replace(ticket)
            self._by_key[ticket.key] = ticket.message_id
            if ticket.thread is not None:
                self._by_thread.setdefault(ticket.thread.thread_id, ticket.message_id)

    def ticket_by_message(self, message_id: int) -> Ticket | None:
        with self._lock:
            return self._tickets.get(message_id)

    def ticket_by_thread(self, thread_id: int) -> Ticket | None:
        with self._lock:
            message_id = self._by_thread.get(thread_id)
            return None if message_id is None else self._tickets[message_id]

    def ticket_by_key(self, key: TicketKey) -> Ticket | None:
        with self._lock:
            message_id = self._by_key.get(key)
            return None if message_id is None else self._tickets[message_id]

    # WriteLog
    def lookup(self, effect: str) -> WriteRecord | None:
        with self._lock:
            return self._writes.get(effect)

    def begin(self, effect: str, kind: str, now: float, lasting: bool = False) -> None:
        with self._lock:
            self._writes.setdefault(effect, WriteRecord(effect, kind, None))
            self._written_at.setdefault(effect, now)
            if lasting:
                self._lasting.add(effect)

    def finish(self, effect: str, kind: str, external_id: str) -> None:
        with self._lock:
            self._writes[effect] = WriteRecord(effect, kind, external_id)
            self._written_at.setdefault(effect, 0.0)
            self._own.add((kind, external_id))

    def is_own(self, kind: str, external_id: str) -> bool:
        with self._lock:
            return (kind, external_id) in self._own

    # Cache
    def get(self, key: str, now: float) -> str | None:
        with self._lock:
            hit = self._cache.get(key)
            return hit[0] if hit and hit[1] > now else None

    def put(self, key: str, value: str, expires_at: float) -> None:
        with self._lock:
            self._cache[key] = (value, expires_at)

    # CarriedVersions
    def take_version(self, message_id: int, moment: float | None, now: float, lease_seconds: float) -> VersionClaim:
        with self._lock:
            version = self._versions.setdefault(message_id, _Version())
            stale = moment is not None and version.carried is not None and version.carried >= moment
            if version.deleted or stale:
                return VersionClaim.STALE
            if version.lease_until > now:
                return VersionClaim.BUSY
            version.lease_until = now + lease_seconds
            return VersionClaim.TAKEN

    def carry_version(self, message_id: int, moment: float | None) -> None:
        with self._lock:
            version = self._versions.setdefault(message_id, _Version())
            if moment is None:
                version.deleted = True
            elif version.carried is None or version.carried < moment:
                version.carried = moment
            version.lease_until = 0.0

    def let_go_version(self, message_id: int) -> None:
        with self._lock:
            if message_id in self._versions:
                self._versions[message_id].lease_until = 0.0

    # HealthCheck
    def ping(self) -> None:
        return None

    def close(self) -> None:
        """Nothing to let go of: as the SQL stores' `close`, so a caller need not ask which store it has."""

    # Retention
    def purge(self, keys_before: float, now: float, limit: int) -> int:
        with self._lock:
            open_since = min(
                (e.first_seen for e in self._events.values() if e.state in (PENDING, RUNNING)), default=now
            )
            old = [k for k, e in self._events.items() if e.state in (DONE, DEAD) and e.first_seen < keys_before]
            before = min(keys_before, open_since)
            writes = [k for k, at in self._written_at.items() if at < before and k not in self._lasting]
            expired = [k for k, (_, expires_at) in self._cache.items() if expires_at <= now]
            for key in islice(old, limit):
                del self._events[key]
            for effect in islice(writes, limit):
                self._forget_write(effect)
            for key in islice(expired, limit):
                del self._cache[key]
            return sum(min(limit, len(rows)) for rows in (old, writes, expired))

    def footprint(self) -> Footprint:
        with self._lock:
            events = self._events.values()
            payload = sum(len(e.payload.encode()) for e in events)
            size = payload + sum(len(e.key) + len(e.error or "") for e in events)
            size += sum(len(k) + len(v) for k, (v, _) in self._cache.items())
            return Footprint(size, len(events), payload, min((e.first_seen for e in events), default=None))

    def _forget_write(self, effect: str) -> None:
        record = self._writes.pop(effect)
        del self._written_at[effect]
        self._own.discard((record.kind, record.external_id or ""))

    # WriteSlots
    def reserve(self, key: str, limit: int, span: float) -> float:
        with self._lock:
            now = self._clock()
            self._slots[key], at = next_slot(self._slots.get(key, ()), now, limit, span)
            return at - now


def _takeable(entry: _Entry, now: float) -> bool:
    if entry.state == RUNNING:
        return entry.lease_until <= now
    return entry.state == PENDING and entry.due_at <= now
