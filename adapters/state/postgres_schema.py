"""The PostgreSQL store's schema: created on first use, migrated under an advisory lock so that processes starting
together do not race, and any table found missing (one dropped, or all of them) created again in its current form."""

from __future__ import annotations

from typing import Any

import psycopg

_MIGRATION_LOCK = 7_310_452_915  # pg_advisory_xact_lock key: "the bridge migrates its schema"
BRIDGE_TABLES = ("events", "tickets", "writes", "cache", "write_slots", "versions")
_VERSIONS = """CREATE TABLE IF NOT EXISTS versions (
    message_id BIGINT PRIMARY KEY,
    carried DOUBLE PRECISION,
    deleted INTEGER NOT NULL DEFAULT 0,
    holder DOUBLE PRECISION,
    lease_until DOUBLE PRECISION NOT NULL DEFAULT 0
)"""
# The columns of events and tickets, as the first version created them and as they still are (the day a migration
# changes one, write its current form out in CURRENT)
_EVENTS = """(
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
)"""
_TICKETS = """(
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
)"""
# One tuple of statements per schema version; never edit a released version, append a new one.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"CREATE TABLE events {_EVENTS}",
        "CREATE INDEX events_takeable ON events (due_at, seq) WHERE state IN ('pending', 'running')",
        "CREATE INDEX events_dead ON events (seq) WHERE state = 'dead'",
        f"CREATE TABLE tickets {_TICKETS}",
        "CREATE INDEX tickets_thread ON tickets (thread_id)",
        "CREATE TABLE writes (effect TEXT PRIMARY KEY, kind TEXT NOT NULL, external_id TEXT)",
        "CREATE INDEX writes_external ON writes (kind, external_id)",
        "CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
    ),
    (  # retention and the shared write limit; write records kept before this version count from the upgrade
        "ALTER TABLE writes ADD COLUMN created_at DOUBLE PRECISION NOT NULL DEFAULT 0",
        "UPDATE writes SET created_at = extract(epoch FROM now())",
        "CREATE INDEX writes_age ON writes (created_at)",
        "CREATE INDEX events_age ON events (first_seen)",
        "CREATE INDEX events_unpurged ON events (first_seen) WHERE state = 'done' AND payload <> ''",
        "CREATE INDEX cache_expiry ON cache (expires_at)",
        "CREATE TABLE write_slots (key TEXT PRIMARY KEY, slots DOUBLE PRECISION[] NOT NULL)",
    ),
    (  # lasting write records (a carried Tracker comment), and the versions of carried messages, taken atomically
        "ALTER TABLE writes ADD COLUMN lasting INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX writes_passing ON writes (created_at) WHERE lasting = 0",
        "DROP INDEX writes_age",  # the purge reads writes_passing now: lasting rows need no age in an index
        # what belongs to a ticket's lasting record: carried Tracker comments, carried replies, their files
        "UPDATE writes SET lasting = 1 WHERE effect LIKE 'relay:%' OR effect LIKE 'comment:%' OR effect LIKE 'files:%'",
        _VERSIONS,
        """INSERT INTO versions (message_id, carried, deleted)
            SELECT CAST(substr(effect, 9) AS BIGINT),
                CASE WHEN external_id = 'deleted' THEN NULL ELSE extract(epoch FROM external_id::timestamptz) END,
                CASE WHEN external_id = 'deleted' THEN 1 ELSE 0 END
            FROM writes WHERE kind = 'pachca_version' AND effect LIKE 'version:%' AND external_id IS NOT NULL
            ON CONFLICT (message_id) DO NOTHING""",
        "DELETE FROM writes WHERE kind = 'pachca_version'",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)
# Every table and index in its current form: what a table found missing is created again as
CURRENT: tuple[str, ...] = (
    f"CREATE TABLE IF NOT EXISTS events {_EVENTS}",
    "CREATE INDEX IF NOT EXISTS events_takeable ON events (due_at, seq) WHERE state IN ('pending', 'running')",
    "CREATE INDEX IF NOT EXISTS events_dead ON events (seq) WHERE state = 'dead'",
    "CREATE INDEX IF NOT EXISTS events_age ON events (first_seen)",
    "CREATE INDEX IF NOT EXISTS events_unpurged ON events (first_seen) WHERE state = 'done' AND payload <> ''",
    f"CREATE TABLE IF NOT EXISTS tickets {_TICKETS}",
    "CREATE INDEX IF NOT EXISTS tickets_thread ON tickets (thread_id)",
    """CREATE TABLE IF NOT EXISTS writes (
        effect TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        external_id TEXT,
        created_at DOUBLE PRECISION NOT NULL DEFAULT 0,
        lasting INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS writes_external ON writes (kind, external_id)",
    "CREATE INDEX IF NOT EXISTS writes_passing ON writes (created_at) WHERE lasting = 0",
    """CREATE TABLE IF NOT EXISTS cache (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS cache_expiry ON cache (expires_at)",
    "CREATE TABLE IF NOT EXISTS write_slots (key TEXT PRIMARY KEY, slots DOUBLE PRECISION[] NOT NULL)",
    _VERSIONS,
)


def migrate(db: psycopg.Connection[tuple[Any, ...]]) -> None:
    """Runs the migrations the schema has not had, then creates every table and index found missing."""
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)"
        left = (db.execute(tables, (list(BRIDGE_TABLES),)).fetchone() or (0,))[0]
        row = db.execute("SELECT max(version) FROM schema_version").fetchone()
        version = ((row or (None,))[0] or 0) if left else 0  # no table left: a new (or emptied) schema
        for statements in _MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        for statement in CURRENT:
            db.execute(statement)
        if version < SCHEMA_VERSION:
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
