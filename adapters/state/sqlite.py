"""State in one SQLite file: durable across restarts, shared by the threads and processes of one machine.

Concurrency: WAL mode, a busy timeout, one connection per thread, and `BEGIN IMMEDIATE` around every
read-modify-write, so a claim is atomic across processes. The schema is created and migrated on first use
(`PRAGMA user_version`). Behaviour matches `MemoryState` exactly.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.pachca.ratelimit import next_slot
from adapters.state.sql import DEAD, DONE, SchemaMissing, SqlState
from adapters.state.sqlite_schema import migrate
from ports.errors import StateUnavailable
from ports.state.claims import Claim, ClaimStatus
from ports.state.outbox import StoredEvent
from ports.state.upkeep import Footprint

_TAKE_OVER = """UPDATE events SET state = 'running', lease_until = :lease_until, attempts = attempts + 1
    WHERE key = :key AND ((state = 'running' AND lease_until <= :now) OR (state = 'pending' AND due_at <= :now))"""
_SELECT_DUE = """SELECT key, kind, payload, attempts + 1, first_seen FROM events
    WHERE (state = 'running' AND lease_until <= :now) OR (state = 'pending' AND due_at <= :now)
    ORDER BY due_at, rowid LIMIT :limit"""
_SAVE_SLOTS = """INSERT INTO write_slots (key, slots) VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET slots = excluded.slots"""
_VACUUM_PAGES = 256  # pages handed back to the file system per purge, at most


class _Probed(Exception):
    """Undoes the health check's write."""


class SqliteState(SqlState[sqlite3.Connection]):
    """Implements IdempotencyStore, Outbox, LinkStore, WriteLog, Cache, CarriedVersions, HealthCheck, Retention and
    WriteSlots; what it shares with PostgreSQL is in `adapters.state.sql`."""

    _placeholder = "?"
    _arrival = "rowid"
    _payload_bytes = "length(CAST(payload AS BLOB))"
    _unique_violation = sqlite3.IntegrityError

    def __init__(self, path: str, busy_timeout: float = 10.0) -> None:
        super().__init__()
        self.path = path
        self._busy_timeout = busy_timeout

    # IdempotencyStore
    def claim(self, key: str, kind: str, payload: str, now: float, lease_seconds: float) -> Claim:
        return self._write(lambda db: self._claim(db, key, kind, payload, now, lease_seconds))

    def _claim(self, db: sqlite3.Connection, key: str, kind: str, payload: str, now: float, lease: float) -> Claim:
        row = db.execute("SELECT state, attempts, outcome FROM events WHERE key = ?", (key,)).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO events (key, kind, payload, state, attempts, first_seen, lease_until)"
                " VALUES (?, ?, ?, 'running', 1, ?, ?)",
                (key, kind, payload, now, now + lease),
            )
            return Claim(ClaimStatus.ACQUIRED, attempts=1)
        state, attempts, outcome = row
        if state in (DONE, DEAD):
            return Claim(ClaimStatus.DONE, outcome=outcome or state, attempts=attempts)
        taken = db.execute(_TAKE_OVER, {"key": key, "now": now, "lease_until": now + lease})
        if taken.rowcount:
            return Claim(ClaimStatus.ACQUIRED, attempts=attempts + 1)
        return Claim(ClaimStatus.BUSY, attempts=attempts)

    # Outbox
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[StoredEvent]:
        def take(db: sqlite3.Connection) -> list[StoredEvent]:
            rows = db.execute(_SELECT_DUE, {"now": now, "limit": limit}).fetchall()
            db.executemany(
                "UPDATE events SET state = 'running', lease_until = ?, attempts = attempts + 1 WHERE key = ?",
                [(now + lease_seconds, row[0]) for row in rows],
            )
            return [StoredEvent(*row) for row in rows]

        return self._write(take)

    # HealthCheck
    def ping(self) -> None:
        """Writes into every table in a transaction that is rolled back: a read-only file, a locked database or a
        table that cannot be written fails here (a missing one is created again first)."""
        try:
            self._write(self._probed)
        except _Probed:
            return

    def _probed(self, db: sqlite3.Connection) -> None:
        self._probe(db)
        raise _Probed

    # Retention
    def purge(self, keys_before: float, now: float, limit: int) -> int:
        changed = super().purge(keys_before, now, limit)
        self._read(lambda db: db.execute(f"PRAGMA incremental_vacuum({_VACUUM_PAGES})").fetchall())
        return changed

    def footprint(self) -> Footprint:
        query = "SELECT (c.page_count - f.freelist_count) * s.page_size FROM pragma_page_count() c, "
        size = self._read_one(query + "pragma_freelist_count() f, pragma_page_size() s")[0]
        return self._footprint(int(size))

    # WriteSlots
    def reserve(self, key: str, limit: int, span: float) -> float:
        """Wall-clock time: every process on this machine reads the same clock."""

        def take(db: sqlite3.Connection) -> float:
            row = db.execute("SELECT slots FROM write_slots WHERE key = ?", (key,)).fetchone()
            now = time.time()
            slots, at = next_slot(json.loads(row[0]) if row else [], now, limit, span)
            db.execute(_SAVE_SLOTS, (key, json.dumps(slots)))
            return at - now

        return self._write(take)

    # plumbing
    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with _translated():
            yield self._connection()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
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
        return self._adopt(db, self._prepare)

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        self._use_wal(db)
        # in WAL mode NORMAL stays consistent and survives a crash of the process; only a power loss may
        # take back the last commits, and it saves an fsync on every one
        db.execute("PRAGMA synchronous = NORMAL")
        self._migrate(db)

    def _migrate(self, db: sqlite3.Connection) -> None:
        if not self._migrated:
            migrate(db)
            self._migrated = True

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


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as e:
        if str(e).startswith("no such table"):
            raise SchemaMissing(f"SQLite state store failed: {e}") from e
        raise StateUnavailable(f"SQLite state store failed: {type(e).__name__}: {e}") from e
    except sqlite3.Error as e:
        raise StateUnavailable(f"SQLite state store failed: {type(e).__name__}: {e}") from e
    except OSError as e:  # the parent directory could not be created
        raise StateUnavailable(f"SQLite state store failed: {type(e).__name__}: {e.strerror}") from e
