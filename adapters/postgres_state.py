"""State in PostgreSQL: shared by every instance and every function invocation, durable.

Import this module only when a `postgresql://` URL is configured: it is the one place that imports psycopg.
One connection per thread, in autocommit mode; a claim is atomic through `INSERT ... ON CONFLICT DO NOTHING` and a
conditional `UPDATE`, a drain through `FOR UPDATE SKIP LOCKED`. The schema is created and migrated on first use,
under an advisory lock so that processes starting together do not race. Behaviour matches `MemoryState` exactly.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from adapters.redaction import Redactor
from adapters.sql_state import DEAD, DONE, SqlState
from ports.errors import StateUnavailable
from ports.state import Claim, ClaimStatus, StoredEvent

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

_IDLE_CHECK_SECONDS = 30.0  # a connection idle this long is checked before use: servers and poolers drop them


class PostgresState(SqlState[Connection]):
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache and HealthCheck."""

    _arrival = "seq"
    _unique_violation = psycopg.errors.UniqueViolation

    def __init__(
        self,
        url: str,
        password_provider: Callable[[], str | None] | None = None,
        connect_timeout: int = 5,
    ) -> None:
        super().__init__()
        self._url = url
        self._url_has_password = bool(_parse(url).get("password"))
        self._password_provider = password_provider
        self._connect_timeout = connect_timeout
        password = _password_of(url)
        self._secrets: tuple[str, ...] = (password,) if password else ()

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

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        with self._session() as db:
            rows = db.execute(_TAKE_DUE, {"now": now, "lease_until": now + lease_seconds, "limit": limit}).fetchall()
        rows.sort(key=lambda row: (row[5], row[6]))  # RETURNING keeps no order: by due time, then arrival
        return [StoredEvent(*row[:5]) for row in rows]

    # plumbing
    def _reading(self) -> AbstractContextManager[Connection]:
        return self._session()

    def _writing(self) -> AbstractContextManager[Connection]:
        return self._session()

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
        return self._adopt(db, self._migrate)

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
    return Redactor(secrets, shortest=1)(text)
