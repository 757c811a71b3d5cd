"""The SQL core the SQLite and PostgreSQL stores share: their connections (one per thread, each statement in a
transaction of its own, the schema created again when a statement finds a table gone) and every statement the two
databases say alike. Each engine's store (`sqlite`, `postgres`) subclasses `SqlState` and adds what really
differs: how it connects, its schema, the claims, the drain, the write slots and the size.

Statements use `%s` placeholders; a store whose driver wants another style names it in `_placeholder`.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from domain.tickets import ThreadRef, Ticket, TicketKey
from ports.errors import StateUnavailable
from ports.state.outbox import OutboxStats, StoredEvent, Waiting
from ports.state.records import VersionClaim, WriteRecord
from ports.state.upkeep import Footprint

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"
# every table the bridge writes, each one probed by the health check
TABLES = ("events", "tickets", "writes", "cache", "write_slots", "versions")

SELECT_TICKET = """SELECT message_id, key, chat_id, requester_id, thread_id, thread_chat_id, root_message_id,
    root_chat_id, card_message_id, status FROM tickets"""
SAVE_TICKET = """INSERT INTO tickets (message_id, key, chat_id, requester_id, thread_id, thread_chat_id,
        root_message_id, root_chat_id, card_message_id, status)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (message_id) DO UPDATE SET key = excluded.key, chat_id = excluded.chat_id,
        requester_id = excluded.requester_id, thread_id = excluded.thread_id, thread_chat_id = excluded.thread_chat_id,
        root_message_id = excluded.root_message_id, root_chat_id = excluded.root_chat_id,
        card_message_id = excluded.card_message_id, status = excluded.status"""
SELECT_DEAD = "SELECT key, kind, payload, attempts, first_seen, error FROM events WHERE state = 'dead'"
BEGIN_WRITE = """INSERT INTO writes (effect, kind, created_at, lasting) VALUES (%s, %s, %s, %s)
    ON CONFLICT (effect) DO UPDATE SET lasting = CASE WHEN excluded.lasting = 1 THEN 1 ELSE writes.lasting END"""
FINISH_WRITE = """INSERT INTO writes (effect, kind, external_id) VALUES (%s, %s, %s) ON CONFLICT (effect)
    DO UPDATE SET kind = excluded.kind, external_id = excluded.external_id"""
PUT_CACHE = """INSERT INTO cache (key, value, expires_at) VALUES (%s, %s, %s)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at"""
# a version is taken when it is newer than the one carried (a deletion always is, unless one was carried), nobody
# else holds the message, and no deletion was carried: one statement, so two writers never both take it
TAKE_VERSION = """INSERT INTO versions (message_id, holder, lease_until) VALUES (%s, %s, %s)
    ON CONFLICT (message_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
    WHERE versions.deleted = 0 AND versions.lease_until <= %s
    AND (%s = 1 OR versions.carried IS NULL OR versions.carried < excluded.holder)"""
CARRY_VERSION = """UPDATE versions SET
    carried = CASE WHEN carried IS NULL OR carried < %s THEN %s ELSE carried END,
    deleted = CASE WHEN %s = 1 THEN 1 ELSE deleted END, lease_until = 0 WHERE message_id = %s"""
DELETION = 1e300  # the moment a deletion is taken with: newer than any edit
# retention: each statement changes at most a batch of rows, oldest first, along an index
DROP_PAYLOADS = """UPDATE events SET payload = '' WHERE key IN (
    SELECT key FROM events WHERE state = 'done' AND payload <> '' LIMIT %s)"""
DELETE_EVENTS = """DELETE FROM events WHERE key IN (
    SELECT key FROM events WHERE state IN ('done', 'dead') AND first_seen < %s ORDER BY first_seen LIMIT %s)"""
OPEN_SINCE = "SELECT min(first_seen) FROM events WHERE state IN ('pending', 'running')"
DELETE_WRITES = """DELETE FROM writes WHERE effect IN (
    SELECT effect FROM writes WHERE lasting = 0 AND created_at < %s ORDER BY created_at LIMIT %s)"""
DELETE_CACHE = """DELETE FROM cache WHERE key IN (
    SELECT key FROM cache WHERE expires_at <= %s ORDER BY expires_at LIMIT %s)"""
CONTENTS = "SELECT count(*), coalesce(sum(PAYLOAD_BYTES), 0), min(first_seen) FROM events"  # bytes: per dialect
# the health check writes a row into every table the bridge writes, in a transaction that is rolled back
HEALTH_PROBES = (
    """INSERT INTO events (key, kind, payload, state, attempts, first_seen)
    VALUES ('health-probe', '', '', 'dead', 0, 0) ON CONFLICT (key) DO UPDATE SET error = events.error""",
    """INSERT INTO tickets (message_id, key, chat_id, requester_id) VALUES (-1, 'health-probe', 0, 0)
    ON CONFLICT (message_id) DO UPDATE SET status = tickets.status""",
    """INSERT INTO writes (effect, kind) VALUES ('health-probe', '')
    ON CONFLICT (effect) DO UPDATE SET kind = writes.kind""",
    """INSERT INTO cache (key, value, expires_at) VALUES ('health-probe', '', 0)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
    "DELETE FROM write_slots WHERE key = 'health-probe'",
    "DELETE FROM versions WHERE message_id = -1",
)


class DbCursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class DbConnection(Protocol):
    def execute(self, query: str, params: Sequence[Any] = ..., /) -> DbCursor: ...

    def close(self) -> None: ...


class SchemaMissing(StateUnavailable):
    """A statement found one of the bridge's tables gone."""


C = TypeVar("C", bound=DbConnection)
T = TypeVar("T")


class SqlState(ABC, Generic[C]):
    """Implements Outbox (but `claim_due`), LinkStore, WriteLog, Cache, CarriedVersions and most of Retention, and
    the parts of IdempotencyStore after the claim. A store provides its connections through `_reading` and
    `_writing`, and its schema through `_migrate`."""

    _placeholder: ClassVar[str] = "%s"
    _arrival: ClassVar[str]  # the column that orders rows as they were inserted
    _payload_bytes: ClassVar[str] = "octet_length(payload)"  # the payload's size in bytes, in this dialect
    _unique_violation: ClassVar[type[Exception]]  # what the driver raises when a ticket's key is taken

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[C] = []
        self._migrated = False

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for connection in connections:
            connection.close()

    # IdempotencyStore
    def complete(self, key: str, outcome: str) -> None:
        query = "UPDATE events SET state = 'done', outcome = %s, lease_until = 0, payload = '' WHERE key = %s"
        self._update_event(query, outcome, key)

    def release(self, key: str, error: str, retry_at: float) -> None:
        query = "UPDATE events SET state = 'pending', error = %s, due_at = %s, lease_until = 0 WHERE key = %s"
        self._update_event(query, error, retry_at, key)

    # Outbox
    def bury(self, key: str, error: str) -> None:
        query = "UPDATE events SET state = 'dead', error = %s, outcome = 'dead', lease_until = 0 WHERE key = %s"
        self._update_event(query, error, key)

    def stats(self) -> OutboxStats:
        query = "SELECT state, count(*) FROM events WHERE state IN ('pending', 'running', 'dead') GROUP BY state"
        counts = dict(self._read_all(query))
        return OutboxStats(pending=counts.get(PENDING, 0) + counts.get(RUNNING, 0), dead=counts.get(DEAD, 0))

    def waiting(self, limit: int = 20) -> list[Waiting]:
        query = "SELECT key, kind, attempts, due_at, error FROM events WHERE state = 'pending' ORDER BY due_at LIMIT %s"
        return [Waiting(*row) for row in self._read_all(query, (limit,))]

    def dead(self, limit: int = 20) -> list[StoredEvent]:
        rows = self._read_all(f"{SELECT_DEAD} ORDER BY {self._arrival} LIMIT %s", (limit,))
        return [StoredEvent(*row) for row in rows]

    # LinkStore
    def save_ticket(self, ticket: Ticket) -> None:
        """Inserts or replaces the ticket of `ticket.message_id`; a key already linked to another message is refused."""
        self._write(lambda db: self._save_ticket(db, ticket))

    def _save_ticket(self, db: C, ticket: Ticket) -> None:
        try:
            db.execute(self._dialect(SAVE_TICKET), ticket_to_row(ticket))
        except self._unique_violation as e:
            raise ValueError(f"ticket {ticket.key} is already linked to another message") from e

    def ticket_by_message(self, message_id: int) -> Ticket | None:
        return self._ticket(f"{SELECT_TICKET} WHERE message_id = %s", message_id)

    def ticket_by_thread(self, thread_id: int) -> Ticket | None:
        return self._ticket(f"{SELECT_TICKET} WHERE thread_id = %s ORDER BY {self._arrival} LIMIT 1", thread_id)

    def ticket_by_key(self, key: TicketKey) -> Ticket | None:
        return self._ticket(f"{SELECT_TICKET} WHERE key = %s", key.value)

    # WriteLog
    def lookup(self, effect: str) -> WriteRecord | None:
        row = self._read_one("SELECT effect, kind, external_id FROM writes WHERE effect = %s", (effect,))
        return WriteRecord(*row) if row else None

    def begin(self, effect: str, kind: str, now: float, lasting: bool = False) -> None:
        self._execute(BEGIN_WRITE, (effect, kind, now, int(lasting)))

    def finish(self, effect: str, kind: str, external_id: str) -> None:
        self._execute(FINISH_WRITE, (effect, kind, external_id))

    def is_own(self, kind: str, external_id: str) -> bool:
        query = "SELECT 1 FROM writes WHERE kind = %s AND external_id = %s LIMIT 1"
        return self._read_one(query, (kind, external_id)) is not None

    # Cache
    def get(self, key: str, now: float) -> str | None:
        row = self._read_one("SELECT value FROM cache WHERE key = %s AND expires_at > %s", (key, now))
        return str(row[0]) if row else None

    def put(self, key: str, value: str, expires_at: float) -> None:
        self._execute(PUT_CACHE, (key, value, expires_at))

    # CarriedVersions
    def take_version(self, message_id: int, moment: float | None, now: float, lease_seconds: float) -> VersionClaim:
        holder, deleting = (DELETION, 1) if moment is None else (moment, 0)
        if self._execute(TAKE_VERSION, (message_id, holder, now + lease_seconds, now, deleting)):
            return VersionClaim.TAKEN
        row = self._read_one("SELECT carried, deleted FROM versions WHERE message_id = %s", (message_id,))
        carried, deleted = row or (None, 0)
        if deleted or (moment is not None and carried is not None and carried >= moment):
            return VersionClaim.STALE
        return VersionClaim.BUSY  # held by another writer (or let go just now: then the retry takes it)

    def carry_version(self, message_id: int, moment: float | None) -> None:
        carried, deleting = (DELETION, 1) if moment is None else (moment, 0)
        self._execute(CARRY_VERSION, (carried, carried, deleting, message_id))

    def let_go_version(self, message_id: int) -> None:
        self._execute("UPDATE versions SET lease_until = 0 WHERE message_id = %s", (message_id,))

    # Retention
    def purge(self, keys_before: float, now: float, limit: int) -> int:
        changed = self._execute(DROP_PAYLOADS, (limit,))
        changed += self._execute(DELETE_EVENTS, (keys_before, limit))
        open_since = self._read_one(OPEN_SINCE)[0]  # a write an unfinished event may repeat stays recorded
        writes_before = keys_before if open_since is None else min(keys_before, open_since)
        changed += self._execute(DELETE_WRITES, (writes_before, limit))
        return changed + self._execute(DELETE_CACHE, (now, limit))

    def _footprint(self, size: int) -> Footprint:
        events, payload, oldest = self._read_one(CONTENTS.replace("PAYLOAD_BYTES", self._payload_bytes))
        return Footprint(size, int(events), int(payload), None if oldest is None else float(oldest))

    def _probe(self, db: C) -> None:
        """Writes into every table the bridge writes; the caller's transaction is rolled back after."""
        for statement in HEALTH_PROBES:
            db.execute(statement)

    # plumbing
    @abstractmethod
    def _reading(self) -> AbstractContextManager[C]:
        """The thread's connection for one read; driver errors become StateUnavailable."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[C]:
        """The thread's connection for one write that commits on leaving; driver errors become StateUnavailable,
        a missing table SchemaMissing."""

    @abstractmethod
    def _migrate(self, db: C) -> None:
        """Creates or migrates the schema, and creates any table found missing, unless this store already did."""

    def _read(self, work: Callable[[C], T]) -> T:
        return self._again_if_repaired(self._reading, work)

    def _write(self, work: Callable[[C], T]) -> T:
        return self._again_if_repaired(self._writing, work)

    def _again_if_repaired(self, open_: Callable[[], AbstractContextManager[C]], work: Callable[[C], T]) -> T:
        try:
            with open_() as db:
                return work(db)
        except SchemaMissing:
            self._migrated = False  # a table was dropped: create what is missing, then run the work once more
            with self._reading() as db:
                self._migrate(db)
        with open_() as db:
            return work(db)

    def _adopt(self, db: C, prepare: Callable[[C], None]) -> C:
        """Prepares a new connection, closing it when that fails, and remembers it for `close`."""
        try:
            prepare(db)
        except BaseException:
            db.close()
            raise
        with self._lock:
            self._connections.append(db)
        return db

    def _read_one(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self._read(lambda db: db.execute(self._dialect(query), params).fetchone())

    def _read_all(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._read(lambda db: db.execute(self._dialect(query), params).fetchall())

    def _execute(self, query: str, params: Sequence[Any] = ()) -> int:
        """Runs one statement in a transaction of its own; the number of rows it changed."""
        return self._write(lambda db: db.execute(self._dialect(query), params).rowcount)

    def _dialect(self, query: str) -> str:
        return query.replace("%s", self._placeholder)

    def _ticket(self, query: str, value: object) -> Ticket | None:
        row = self._read_one(query, (value,))
        return ticket_from_row(row) if row else None

    def _update_event(self, query: str, *params: object) -> None:
        """Runs an UPDATE of one event whose last parameter is its key; a key never claimed is a KeyError."""
        if not self._execute(query, params):
            raise KeyError(params[-1])


def ticket_to_row(ticket: Ticket) -> tuple[object, ...]:
    """The columns of `tickets` from message_id to status."""
    thread = ticket.thread
    thread_columns = (thread.thread_id, thread.chat_id, thread.root_message_id, thread.root_chat_id) if thread else ()
    return (
        ticket.message_id,
        ticket.key.value,
        ticket.chat_id,
        ticket.requester_id,
        *(thread_columns or (None,) * 4),
        ticket.card_message_id,
        ticket.status,
    )


def ticket_from_row(row: tuple[Any, ...]) -> Ticket:
    message_id, key, chat_id, requester_id, thread_id, thread_chat_id, root_message_id, root_chat_id, card, status = row
    thread = None
    if thread_id is not None:
        thread = ThreadRef(thread_id, thread_chat_id, root_message_id, root_chat_id)
    return Ticket(TicketKey(key), message_id, chat_id, requester_id, thread, card, status)
