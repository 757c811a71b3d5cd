"""State in one SQLite file: durable across restarts, shared by the threads and processes of one machine.

Concurrency: WAL mode, a busy timeout, one connection per thread, and `BEGIN IMMEDIATE` around every
read-modify-write, so a claim is atomic across processes. The schema is created and migrated on first use
(`PRAGMA user_version`). Behaviour matches `MemoryState` exactly.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from domain.model import ThreadRef, Ticket, TicketKey
from ports.errors import StateUnavailable
from ports.state import Claim, ClaimStatus, OutboxStats, StoredEvent, WriteRecord

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"

# One tuple of statements per schema version; never edit a released version, append a new one.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE events (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead')),
            attempts INTEGER NOT NULL,
            first_seen REAL NOT NULL,
            lease_until REAL NOT NULL DEFAULT 0,
            due_at REAL NOT NULL DEFAULT 0,
            outcome TEXT,
            error TEXT
        )""",
        "CREATE INDEX events_takeable ON events (due_at) WHERE state IN ('pending', 'running')",
        """CREATE TABLE tickets (
            message_id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            chat_id INTEGER NOT NULL,
            requester_id INTEGER NOT NULL,
            thread_id INTEGER,
            thread_chat_id INTEGER,
            root_message_id INTEGER,
            root_chat_id INTEGER,
            card_message_id INTEGER,
            status TEXT
        )""",
        "CREATE INDEX tickets_thread ON tickets (thread_id)",
        "CREATE TABLE writes (effect TEXT PRIMARY KEY, kind TEXT NOT NULL, external_id TEXT)",
        "CREATE INDEX writes_external ON writes (kind, external_id)",
        "CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL NOT NULL)",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)

_TAKE_OVER = """UPDATE events SET state = 'running', lease_until = :lease_until, attempts = attempts + 1
    WHERE key = :key AND ((state = 'running' AND lease_until <= :now) OR (state = 'pending' AND due_at <= :now))"""
_SELECT_DUE = """SELECT key, kind, payload, attempts + 1, first_seen FROM events
    WHERE (state = 'running' AND lease_until <= :now) OR (state = 'pending' AND due_at <= :now)
    ORDER BY due_at, rowid LIMIT :limit"""
_SELECT_TICKET = """SELECT message_id, key, chat_id, requester_id, thread_id, thread_chat_id, root_message_id,
    root_chat_id, card_message_id, status FROM tickets"""
_TICKET_BY_MESSAGE = _SELECT_TICKET + " WHERE message_id = ?"
_TICKET_BY_THREAD = _SELECT_TICKET + " WHERE thread_id = ? ORDER BY rowid LIMIT 1"
_TICKET_BY_KEY = _SELECT_TICKET + " WHERE key = ?"


_SELECT_DEAD = "SELECT key, kind, payload, attempts, first_seen, error FROM events WHERE state = 'dead'"


class SqliteState:
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache and HealthCheck."""

    def __init__(self, path: str, busy_timeout: float = 10.0) -> None:
        self.path = path
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._migrated = False

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for connection in connections:
            connection.close()

    # IdempotencyStore
    def claim(self, key: str, kind: str, payload: str, now: float, lease_seconds: float) -> Claim:
        with self._write() as db:
            row = db.execute("SELECT state, attempts, outcome FROM events WHERE key = ?", (key,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO events (key, kind, payload, state, attempts, first_seen, lease_until)"
                    " VALUES (?, ?, ?, 'running', 1, ?, ?)",
                    (key, kind, payload, now, now + lease_seconds),
                )
                return Claim(ClaimStatus.ACQUIRED, attempts=1)
            state, attempts, outcome = row
            if state in (DONE, DEAD):
                return Claim(ClaimStatus.DONE, outcome=outcome or state, attempts=attempts)
            taken = db.execute(_TAKE_OVER, {"key": key, "now": now, "lease_until": now + lease_seconds})
            if taken.rowcount:
                return Claim(ClaimStatus.ACQUIRED, attempts=attempts + 1)
            return Claim(ClaimStatus.BUSY, attempts=attempts)

    def complete(self, key: str, outcome: str) -> None:
        self._update_event("UPDATE events SET state = 'done', outcome = ?, lease_until = 0 WHERE key = ?", outcome, key)

    def release(self, key: str, error: str, retry_at: float) -> None:
        query = "UPDATE events SET state = 'pending', error = ?, due_at = ?, lease_until = 0 WHERE key = ?"
        self._update_event(query, error, retry_at, key)

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        with self._write() as db:
            rows = db.execute(_SELECT_DUE, {"now": now, "limit": limit}).fetchall()
            db.executemany(
                "UPDATE events SET state = 'running', lease_until = ?, attempts = attempts + 1 WHERE key = ?",
                [(now + lease_seconds, row[0]) for row in rows],
            )
            return [StoredEvent(*row) for row in rows]

    def bury(self, key: str, error: str) -> None:
        query = "UPDATE events SET state = 'dead', error = ?, outcome = 'dead', lease_until = 0 WHERE key = ?"
        self._update_event(query, error, key)

    def stats(self) -> OutboxStats:
        counts = dict(self._read_all("SELECT state, count(*) FROM events GROUP BY state"))
        return OutboxStats(pending=counts.get(PENDING, 0) + counts.get(RUNNING, 0), dead=counts.get(DEAD, 0))

    def dead(self, limit: int = 20) -> list[StoredEvent]:
        rows = self._read_all(
            _SELECT_DEAD + " ORDER BY rowid LIMIT ?",
            (limit,),
        )
        return [StoredEvent(*row) for row in rows]

    # LinkStore
    def save_ticket(self, ticket: Ticket) -> None:
        """Inserts or replaces the ticket of `ticket.message_id`; a key already linked to another message is refused."""
        with self._write() as db:
            try:
                db.execute(
                    "INSERT INTO tickets (message_id, key, chat_id, requester_id, thread_id, thread_chat_id,"
                    " root_message_id, root_chat_id, card_message_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (message_id) DO UPDATE SET key = excluded.key, chat_id = excluded.chat_id,"
                    " requester_id = excluded.requester_id, thread_id = excluded.thread_id,"
                    " thread_chat_id = excluded.thread_chat_id, root_message_id = excluded.root_message_id,"
                    " root_chat_id = excluded.root_chat_id, card_message_id = excluded.card_message_id,"
                    " status = excluded.status",
                    ticket_to_row(ticket),
                )
            except sqlite3.IntegrityError as e:
                raise ValueError(f"ticket {ticket.key} is already linked to another message") from e

    def ticket_by_message(self, message_id: int) -> Ticket | None:
        return self._ticket(_TICKET_BY_MESSAGE, message_id)

    def ticket_by_thread(self, thread_id: int) -> Ticket | None:
        return self._ticket(_TICKET_BY_THREAD, thread_id)

    def ticket_by_key(self, key: TicketKey) -> Ticket | None:
        return self._ticket(_TICKET_BY_KEY, key.value)

    # WriteLog
    def lookup(self, effect: str) -> WriteRecord | None:
        row = self._read_one("SELECT effect, kind, external_id FROM writes WHERE effect = ?", (effect,))
        return WriteRecord(*row) if row else None

    def begin(self, effect: str, kind: str, now: float) -> None:
        with self._write() as db:
            db.execute("INSERT INTO writes (effect, kind) VALUES (?, ?) ON CONFLICT DO NOTHING", (effect, kind))

    def finish(self, effect: str, kind: str, external_id: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO writes (effect, kind, external_id) VALUES (?, ?, ?) ON CONFLICT (effect)"
                " DO UPDATE SET kind = excluded.kind, external_id = excluded.external_id",
                (effect, kind, external_id),
            )

    def is_own(self, kind: str, external_id: str) -> bool:
        query = "SELECT 1 FROM writes WHERE kind = ? AND external_id = ? LIMIT 1"
        return self._read_one(query, (kind, external_id)) is not None

    # Cache
    def get(self, key: str, now: float) -> str | None:
        row = self._read_one("SELECT value FROM cache WHERE key = ? AND expires_at > ?", (key, now))
        return str(row[0]) if row else None

    def put(self, key: str, value: str, expires_at: float) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                (key, value, expires_at),
            )

    # HealthCheck
    def ping(self) -> None:
        self._read_one("SELECT 1 FROM events LIMIT 1")

    # plumbing
    def _ticket(self, query: str, value: object) -> Ticket | None:
        row = self._read_one(query, (value,))
        return ticket_from_row(row) if row else None

    def _update_event(self, query: str, *params: object) -> None:
        """Runs an UPDATE of one event whose last parameter is its key; a key never claimed is a KeyError."""
        with self._write() as db:
            if not db.execute(query, params).rowcount:
                raise KeyError(params[-1])

    def _read_one(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        with _translated():
            return self._connection().execute(query, params).fetchone()

    def _read_all(self, query: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with _translated():
            return self._connection().execute(query, params).fetchall()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with _translated():
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.rollback()
                raise

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a new thread, or a forked child
            local.connection, local.pid = self._connect(), os.getpid()
        connection: sqlite3.Connection = local.connection
        return connection

    def _connect(self) -> sqlite3.Connection:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            self._use_wal(db)
            # in WAL mode NORMAL stays consistent and survives a crash of the process; only a power loss may
            # take back the last commits, and it saves an fsync on every one
            db.execute("PRAGMA synchronous = NORMAL")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        with self._lock:
            self._connections.append(db)
        return db

    def _use_wal(self, db: sqlite3.Connection) -> None:
        """Switches the file to WAL; the switch ignores the busy timeout, so it is retried here."""
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                if db.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError:
                if time.monotonic() >= deadline:
                    raise
            if time.monotonic() >= deadline:
                raise sqlite3.OperationalError("could not switch the database to WAL mode")
            time.sleep(random.uniform(0.005, 0.05))  # noqa: S311 - jitter, not a secret

    def _migrate(self, db: sqlite3.Connection) -> None:
        if self._migrated:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for statements in _MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.rollback()
            raise
        self._migrated = True


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as e:
        raise StateUnavailable(f"SQLite state store failed: {type(e).__name__}: {e}") from e
    except OSError as e:  # the parent directory could not be created
        raise StateUnavailable(f"SQLite state store failed: {type(e).__name__}: {e.strerror}") from e


def ticket_to_row(ticket: Ticket) -> tuple[object, ...]:
    """The columns of `tickets` from message_id to status; shared with the PostgreSQL store."""
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
