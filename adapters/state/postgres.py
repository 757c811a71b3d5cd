"""State in PostgreSQL: shared by every instance and every function invocation, durable.

Import this module only when a `postgresql://` URL is configured: it is the one place that imports psycopg.
One connection per thread, in autocommit mode; a claim is atomic through `INSERT ... ON CONFLICT DO NOTHING` and a
conditional `UPDATE`, a drain through `FOR UPDATE SKIP LOCKED`. Every wait is bounded: a lock is waited for at most
`LOCK_TIMEOUT`, a statement runs at most `STATEMENT_TIMEOUT`, then the call fails as the store being unavailable
(a webhook is answered 503, the health check fails) instead of hanging. The schema is created and migrated on first
use, under an advisory lock so that processes starting together do not race. What it shares with SQLite is in
`adapters.state.sql`; behaviour matches `MemoryState` exactly.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg

from adapters.state.postgres_schema import migrate
from adapters.state.postgres_url import parse, password_of, redact
from adapters.state.sql import DEAD, DONE, TABLES, SchemaMissing, SqlState
from ports.errors import StateUnavailable
from ports.state.claims import Claim, ClaimStatus
from ports.state.outbox import StoredEvent
from ports.state.upkeep import Footprint

Connection = psycopg.Connection[tuple[Any, ...]]

_IDLE_CHECK_SECONDS = 30.0  # a connection idle this long is checked before use: servers and poolers drop them
LOCK_TIMEOUT = "2s"  # a table locked by someone else fails the call after this, rather than holding it
STATEMENT_TIMEOUT = "5s"  # no statement of the bridge needs more (purges go in bounded batches)

INSERT_EVENT = """INSERT INTO events (key, kind, payload, state, attempts, first_seen, lease_until)
    VALUES (%(key)s, %(kind)s, %(payload)s, 'running', 1, %(now)s, %(lease_until)s)
    ON CONFLICT (key) DO NOTHING RETURNING attempts"""
TAKE_OVER = """UPDATE events SET state = 'running', lease_until = %(lease_until)s, attempts = attempts + 1
    WHERE key = %(key)s
    AND ((state = 'running' AND lease_until <= %(now)s) OR (state = 'pending' AND due_at <= %(now)s))
    RETURNING attempts"""
TAKE_DUE = """UPDATE events SET state = 'running', lease_until = %(lease_until)s, attempts = attempts + 1
    WHERE key IN (
        SELECT key FROM events
        WHERE (state = 'running' AND lease_until <= %(now)s) OR (state = 'pending' AND due_at <= %(now)s)
        ORDER BY due_at, seq LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED
    )
    RETURNING key, kind, payload, attempts, first_seen, due_at, seq"""
# the sliding window of adapters.pachca.ratelimit.next_slot in one statement: the row lock orders the instances, and the
# database's clock is the one clock they all share
RESERVE = """INSERT INTO write_slots AS w (key, slots)
    VALUES (%(key)s, ARRAY[extract(epoch FROM clock_timestamp())::float8])
    ON CONFLICT (key) DO UPDATE SET slots = (
        SELECT (w.slots || n.at)[greatest(1, cardinality(w.slots) + 2 - %(limit)s):]
        FROM (SELECT CASE WHEN cardinality(w.slots) < %(limit)s THEN t.now
                ELSE greatest(t.now, w.slots[cardinality(w.slots) + 1 - %(limit)s] + %(span)s) END AS at
            FROM (SELECT extract(epoch FROM clock_timestamp())::float8 AS now) t) n)
    RETURNING slots[cardinality(slots)] - extract(epoch FROM clock_timestamp())::float8"""
SIZE = """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
    WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)"""
SIZED = (*TABLES, "schema_version")


class PostgresState(SqlState[Connection]):
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache, CarriedVersions, HealthCheck, Retention and
    WriteSlots."""

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
        self._url_has_password = bool(parse(url).get("password"))
        self._password_provider = password_provider
        self._connect_timeout = connect_timeout
        password = password_of(url)
        self._secrets: tuple[str, ...] = (password,) if password else ()

    # IdempotencyStore
    def claim(self, key: str, kind: str, payload: str, now: float, lease_seconds: float) -> Claim:
        params = {"key": key, "kind": kind, "payload": payload, "now": now, "lease_until": now + lease_seconds}
        return self._write(lambda db: _claim(db, params))

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        params = {"now": now, "lease_until": now + lease_seconds, "limit": limit}
        rows = self._write(lambda db: db.execute(TAKE_DUE, params).fetchall())
        rows.sort(key=lambda row: (row[5], row[6]))  # RETURNING keeps no order: by due time, then arrival
        return [StoredEvent(*row[:5]) for row in rows]

    # HealthCheck
    def ping(self) -> None:
        """Writes into every table in a transaction that is rolled back: a read-only server, a missing privilege, a
        locked table (after LOCK_TIMEOUT) or a table that cannot be written fails here; a missing one is created
        again first."""
        self._write(self._probed)

    def _probed(self, db: Connection) -> None:
        with db.transaction():
            self._probe(db)
            raise psycopg.Rollback()

    # Retention
    def footprint(self) -> Footprint:
        return self._footprint(int(self._read_one(SIZE, (list(SIZED),))[0]))

    # WriteSlots
    def reserve(self, key: str, limit: int, span: float) -> float:
        """One round trip per write."""
        params = {"key": key, "limit": limit, "span": span}
        return float(self._write(lambda db: db.execute(RESERVE, params).fetchone() or (0.0,))[0])

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
            if isinstance(e, psycopg.errors.UndefinedTable):
                raise SchemaMissing(f"PostgreSQL state store failed: {self._describe(e)}") from e
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
        params = parse(self._url)
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
        return self._adopt(db, self._prepare)

    def _prepare(self, db: Connection) -> None:
        """Bounds every wait of this session (set here, not in `options`, which the URL may carry itself)."""
        db.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        db.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
        self._migrate(db)

    def _provided_password(self) -> str | None:
        assert self._password_provider is not None
        try:
            return self._password_provider()
        except Exception as e:  # e.g. the metadata service that hands out the IAM token did not answer
            raise StateUnavailable(f"no password for PostgreSQL from the provider: {type(e).__name__}") from e

    def _migrate(self, db: Connection) -> None:
        if not self._migrated:
            migrate(db)
            self._migrated = True

    def _describe(self, error: psycopg.Error) -> str:
        first_line = next(iter(str(error).strip().splitlines()), "")
        sqlstate = f" [{error.sqlstate}]" if error.sqlstate else ""
        return f"{type(error).__name__}{sqlstate}: {redact(first_line, self._secrets)}"


def _claim(db: Connection, params: dict[str, Any]) -> Claim:
    if row := db.execute(INSERT_EVENT, params).fetchone():
        return Claim(ClaimStatus.ACQUIRED, attempts=row[0])
    if row := db.execute(TAKE_OVER, params).fetchone():
        return Claim(ClaimStatus.ACQUIRED, attempts=row[0])
    row = db.execute("SELECT state, attempts, outcome FROM events WHERE key = %s", (params["key"],)).fetchone()
    if row is None:  # purged between the two statements: it was finished long ago
        return Claim(ClaimStatus.DONE, outcome=DONE)
    state, attempts, outcome = row
    if state in (DONE, DEAD):
        return Claim(ClaimStatus.DONE, outcome=outcome or state, attempts=attempts)
    return Claim(ClaimStatus.BUSY, attempts=attempts)


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
