"""State in PostgreSQL: shared by every instance and every function invocation, durable.

Import this module only when a `postgresql://` URL is configured: it is the one place that imports psycopg.
One connection per thread, in autocommit mode; a claim is atomic through `INSERT ... ON CONFLICT DO NOTHING` and a
conditional `UPDATE`, a drain through `FOR UPDATE SKIP LOCKED`. The schema is created and migrated on first use,
under an advisory lock so that processes starting together do not race. Behaviour matches `MemoryState` exactly.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from adapters.sqlite_state import ticket_from_row, ticket_to_row
from domain.model import Ticket, TicketKey
from ports.errors import StateUnavailable
from ports.state import Claim, ClaimStatus, OutboxStats, StoredEvent, WriteRecord

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"

Connection = psycopg.Connection[tuple[Any, ...]]

_MIGRATION_LOCK = 7_310_452_915  # pg_advisory_xact_lock key: "the bridge migrates its schema"
# One tuple of statements per schema version; never edit a released version, append a new one.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY,
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead')),
            attempts INTEGER NOT NULL,
            first_seen DOUBLE PRECISION NOT NULL,
            lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
            due_at DOUBLE PRECISION NOT NULL DEFAULT 0,
            outcome TEXT,
            error TEXT
        )""",
        "CREATE INDEX events_takeable ON events (due_at, seq) WHERE state IN ('pending', 'running')",
        "CREATE INDEX events_dead ON events (seq) WHERE state = 'dead'",
        """CREATE TABLE tickets (
            seq BIGINT GENERATED ALWAYS AS IDENTITY,
            message_id BIGINT PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            chat_id BIGINT NOT NULL,
            requester_id BIGINT NOT NULL,
            thread_id BIGINT,
            thread_chat_id BIGINT,
            root_message_id BIGINT,
            root_chat_id BIGINT,
            card_message_id BIGINT,
            status TEXT
        )""",
        "CREATE INDEX tickets_thread ON tickets (thread_id)",
        "CREATE TABLE writes (effect TEXT PRIMARY KEY, kind TEXT NOT NULL, external_id TEXT)",
        "CREATE INDEX writes_external ON writes (kind, external_id)",
        "CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)

_INSERT_EVENT = """INSERT INTO events (key, kind, payload, state, attempts, first_seen, lease_until)
    VALUES (%(key)s, %(kind)s, %(payload)s, 'running', 1, %(now)s, %(lease_until)s)
    ON CONFLICT (key) DO NOTHING RETURNING attempts"""
_TAKE_OVER = """UPDATE events SET state = 'running', lease_until = %(lease_until)s, attempts = attempts + 1
    WHERE key = %(key)s
    AND ((state = 'running' AND lease_until <= %(now)s) OR (state = 'pending' AND due_at <= %(now)s))
    RETURNING attempts"""
_TAKE_DUE = """UPDATE events SET state = 'running', lease_until = %(lease_until)s, attempts = attempts + 1
    WHERE key IN (
        SELECT key FROM events
        WHERE (state = 'running' AND lease_until <= %(now)s) OR (state = 'pending' AND due_at <= %(now)s)
        ORDER BY due_at, seq LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED
    )
    RETURNING key, kind, payload, attempts, first_seen, due_at, seq"""
_SAVE_TICKET = """INSERT INTO tickets (message_id, key, chat_id, requester_id, thread_id, thread_chat_id,
        root_message_id, root_chat_id, card_message_id, status)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (message_id) DO UPDATE SET key = excluded.key, chat_id = excluded.chat_id,
        requester_id = excluded.requester_id, thread_id = excluded.thread_id, thread_chat_id = excluded.thread_chat_id,
        root_message_id = excluded.root_message_id, root_chat_id = excluded.root_chat_id,
        card_message_id = excluded.card_message_id, status = excluded.status"""
_SELECT_TICKET = """SELECT message_id, key, chat_id, requester_id, thread_id, thread_chat_id, root_message_id,
    root_chat_id, card_message_id, status FROM tickets"""
_TICKET_BY_MESSAGE = _SELECT_TICKET + " WHERE message_id = %s"
_TICKET_BY_THREAD = _SELECT_TICKET + " WHERE thread_id = %s ORDER BY seq LIMIT 1"
_TICKET_BY_KEY = _SELECT_TICKET + " WHERE key = %s"

_IDLE_CHECK_SECONDS = 30.0  # a connection idle this long is checked before use: servers and poolers drop them


_SELECT_DEAD = "SELECT key, kind, payload, attempts, first_seen, error FROM events WHERE state = 'dead'"


class PostgresState:
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache and HealthCheck."""

    def __init__(
        self,
        url: str,
        password_provider: Callable[[], str | None] | None = None,
        connect_timeout: int = 5,
    ) -> None:
        self._url = url
        self._url_has_password = bool(_parse(url).get("password"))
        self._password_provider = password_provider
        self._connect_timeout = connect_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[Connection] = []
        self._migrated = False
        password = _password_of(url)
        self._secrets: tuple[str, ...] = (password,) if password else ()

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for connection in connections:
            connection.close()

    # IdempotencyStore
    def claim(self, key: str, kind: str, payload: str, now: float, lease_seconds: float) -> Claim:
        params = {"key": key, "kind": kind, "payload": payload, "now": now, "lease_until": now + lease_seconds}
        with self._session() as db:
            if row := db.execute(_INSERT_EVENT, params).fetchone():
                return Claim(ClaimStatus.ACQUIRED, attempts=row[0])
            if row := db.execute(_TAKE_OVER, params).fetchone():
                return Claim(ClaimStatus.ACQUIRED, attempts=row[0])
            row = db.execute("SELECT state, attempts, outcome FROM events WHERE key = %s", (key,)).fetchone()
        if row is None:  # never happens: events are not deleted
            return Claim(ClaimStatus.BUSY)
        state, attempts, outcome = row
        if state in (DONE, DEAD):
            return Claim(ClaimStatus.DONE, outcome=outcome or state, attempts=attempts)
        return Claim(ClaimStatus.BUSY, attempts=attempts)

    def complete(self, key: str, outcome: str) -> None:
        query = "UPDATE events SET state = 'done', outcome = %s, lease_until = 0 WHERE key = %s"
        self._update_event(query, outcome, key)

    def release(self, key: str, error: str, retry_at: float) -> None:
        query = "UPDATE events SET state = 'pending', error = %s, due_at = %s, lease_until = 0 WHERE key = %s"
        self._update_event(query, error, retry_at, key)

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        with self._session() as db:
            rows = db.execute(_TAKE_DUE, {"now": now, "lease_until": now + lease_seconds, "limit": limit}).fetchall()
        rows.sort(key=lambda row: (row[5], row[6]))  # RETURNING keeps no order: by due time, then arrival
        return [StoredEvent(*row[:5]) for row in rows]

    def bury(self, key: str, error: str) -> None:
        query = "UPDATE events SET state = 'dead', error = %s, outcome = 'dead', lease_until = 0 WHERE key = %s"
        self._update_event(query, error, key)

    def stats(self) -> OutboxStats:
        query = "SELECT state, count(*) FROM events WHERE state IN ('pending', 'running', 'dead') GROUP BY state"
        with self._session() as db:
            counts = dict(db.execute(query).fetchall())
        return OutboxStats(pending=counts.get(PENDING, 0) + counts.get(RUNNING, 0), dead=counts.get(DEAD, 0))

    def dead(self, limit: int = 20) -> list[StoredEvent]:
        query = _SELECT_DEAD + " ORDER BY seq LIMIT %s"
        with self._session() as db:
            rows = db.execute(query, (limit,)).fetchall()
        return [StoredEvent(*row) for row in rows]

    # LinkStore
    def save_ticket(self, ticket: Ticket) -> None:
        """Inserts or replaces the ticket of `ticket.message_id`; a key already linked to another message is refused."""
        with self._session() as db:
            try:
                db.execute(_SAVE_TICKET, ticket_to_row(ticket))
            except psycopg.errors.UniqueViolation as e:
                raise ValueError(f"ticket {ticket.key} is already linked to another message") from e

    def ticket_by_message(self, message_id: int) -> Ticket | None:
        return self._ticket(_TICKET_BY_MESSAGE, message_id)

    def ticket_by_thread(self, thread_id: int) -> Ticket | None:
        return self._ticket(_TICKET_BY_THREAD, thread_id)

    def ticket_by_key(self, key: TicketKey) -> Ticket | None:
        return self._ticket(_TICKET_BY_KEY, key.value)

    # WriteLog
    def lookup(self, effect: str) -> WriteRecord | None:
        with self._session() as db:
            row = db.execute("SELECT effect, kind, external_id FROM writes WHERE effect = %s", (effect,)).fetchone()
        return WriteRecord(*row) if row else None

    def begin(self, effect: str, kind: str, now: float) -> None:
        with self._session() as db:
            db.execute("INSERT INTO writes (effect, kind) VALUES (%s, %s) ON CONFLICT DO NOTHING", (effect, kind))

    def finish(self, effect: str, kind: str, external_id: str) -> None:
        with self._session() as db:
            db.execute(
                "INSERT INTO writes (effect, kind, external_id) VALUES (%s, %s, %s) ON CONFLICT (effect)"
                " DO UPDATE SET kind = excluded.kind, external_id = excluded.external_id",
                (effect, kind, external_id),
            )

    def is_own(self, kind: str, external_id: str) -> bool:
        query = "SELECT 1 FROM writes WHERE kind = %s AND external_id = %s LIMIT 1"
        with self._session() as db:
            return db.execute(query, (kind, external_id)).fetchone() is not None

    # Cache
    def get(self, key: str, now: float) -> str | None:
        query = "SELECT value FROM cache WHERE key = %s AND expires_at > %s"
        with self._session() as db:
            row = db.execute(query, (key, now)).fetchone()
        return str(row[0]) if row else None

    def put(self, key: str, value: str, expires_at: float) -> None:
        with self._session() as db:
            db.execute(
                "INSERT INTO cache (key, value, expires_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                (key, value, expires_at),
            )

    # HealthCheck
    def ping(self) -> None:
        with self._session() as db:
            db.execute("SELECT 1 FROM events LIMIT 1")

    # plumbing
    def _ticket(self, query: str, value: object) -> Ticket | None:
        with self._session() as db:
            row = db.execute(query, (value,)).fetchone()
        return ticket_from_row(row) if row else None

    def _update_event(self, query: str, *params: object) -> None:
        """Runs an UPDATE of one event whose last parameter is its key; a key never claimed is a KeyError."""
        with self._session() as db:
            if not db.execute(query, params).rowcount:
                raise KeyError(params[-1])

    @contextmanager
    def _session(self) -> Iterator[Connection]:
        """The thread's connection; psycopg errors become StateUnavailable and a broken connection is dropped."""
        db: Connection | None = None
        try:
            db = self._connection()
            yield db
        except psycopg.Error as e:
            if db is not None and (db.closed or db.broken):
                db.close()
                self._local.connection = None
            raise StateUnavailable(f"PostgreSQL state store failed: {self._describe(e)}") from e
        finally:
            self._local.last_used = time.monotonic()

    def _connection(self) -> Connection:
        local = self._local
        db: Connection | None = getattr(local, "connection", None)
        if db is not None and getattr(local, "pid", None) == os.getpid() and _alive(db, local.last_used):
            return db
        db = self._connect()
        local.connection, local.pid = db, os.getpid()
        return db

    def _connect(self) -> Connection:
        options: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}  # no prepared statements: poolers
        params = _parse(self._url)
        if "connect_timeout" not in params:
            options["connect_timeout"] = self._connect_timeout
        if "application_name" not in params:
            options["application_name"] = "servicedesk-pachca-bot"
        if not self._url_has_password and self._password_provider is not None:
            password = self._provided_password()
            if password:
                options["password"] = password
                self._secrets = (*self._secrets[-3:], password)
        db: Connection = psycopg.connect(self._url, **options)
        try:
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        with self._lock:
            self._connections.append(db)
        return db

    def _provided_password(self) -> str | None:
        assert self._password_provider is not None
        try:
            return self._password_provider()
        except Exception as e:  # e.g. the metadata service that hands out the IAM token did not answer
            raise StateUnavailable(f"no password for PostgreSQL from the provider: {type(e).__name__}") from e

    def _migrate(self, db: Connection) -> None:
        if self._migrated:
            return
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0] if row and row[0] is not None else 0
            for statements in _MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute("DELETE FROM schema_version")
                db.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
        self._migrated = True

    def _describe(self, error: psycopg.Error) -> str:
        first_line = next(iter(str(error).strip().splitlines()), "")
        sqlstate = f" [{error.sqlstate}]" if error.sqlstate else ""
        return f"{type(error).__name__}{sqlstate}: {redact(first_line, self._secrets)}"


def _alive(db: Connection, last_used: float) -> bool:
    if db.closed or db.broken:
        return False
    if time.monotonic() - last_used < _IDLE_CHECK_SECONDS:
        return True
    try:
        db.execute("SELECT 1")
    except psycopg.Error:
        db.close()
        return False
    return True


def _parse(url: str) -> dict[str, Any]:
    """The URL's connection parameters; ValueError (without the URL's secrets) when libpq cannot read it."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as e:
        password = _password_of(url)
        reason = redact(str(e).strip(), (password,) if password else ())
        raise ValueError(f"STATE_URL is not a valid PostgreSQL URL: {reason}") from None
    port = str(params.get("port", "5432"))
    if not re.fullmatch(r"\d+(,\d+)*", port):
        raise ValueError(f"STATE_URL is not a valid PostgreSQL URL: the port {port!r} is not a number")
    return params


def _password_of(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
