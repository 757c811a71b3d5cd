"""State in PostgreSQL: shared by every instance and every function invocation, durable.

Import this module only when a `postgresql://` URL is configured: it is the one place that imports psycopg.
One connection per thread, in autocommit mode; a claim is atomic through `INSERT ... ON CONFLICT DO NOTHING` and a
conditional `UPDATE`, a drain through `FOR UPDATE SKIP LOCKED`. The schema is created and migrated on first use,
under an advisory lock so that processes starting together do not race. Behaviour matches `MemoryState` exactly.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg

from adapters.state.postgres_schema import migrate
from adapters.state.postgres_statements import RESERVE, SIZE, TABLES, TAKE_DUE, Connection, claim
from adapters.state.postgres_url import parse, password_of, redact
from adapters.state.sql import SqlState
from adapters.state.sql_connections import SchemaMissing
from adapters.state.sql_queries import HEALTH_PROBE
from ports.claims import Claim
from ports.errors import StateUnavailable
from ports.outbox import StoredEvent
from ports.upkeep import Footprint

_IDLE_CHECK_SECONDS = 30.0  # a connection idle this long is checked before use: servers and poolers drop them


class PostgresState(SqlState[Connection]):
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache, HealthCheck, Retention and WriteSlots."""

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
        return self._write(lambda db: claim(db, params))

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        params = {"now": now, "lease_until": now + lease_seconds, "limit": limit}
        rows = self._write(lambda db: db.execute(TAKE_DUE, params).fetchall())
        rows.sort(key=lambda row: (row[5], row[6]))  # RETURNING keeps no order: by due time, then arrival
        return [StoredEvent(*row[:5]) for row in rows]

    # HealthCheck
    def ping(self) -> None:
        """Writes in a transaction that is rolled back: a read-only server or a missing privilege fails here."""
        self._write(_probe)

    # Retention
    def footprint(self) -> Footprint:
        return self._footprint(int(self._read_one(SIZE, (list(TABLES),))[0]))

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
        return self._adopt(db, self._migrate)

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


def _probe(db: Connection) -> None:
    with db.transaction():
        db.execute(HEALTH_PROBE)
        raise psycopg.Rollback()


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
