"""The PostgreSQL store's schema: created on first use, migrated under an advisory lock so that processes starting
together do not race, created again when its tables were dropped."""

from __future__ import annotations

from typing import Any

import psycopg

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
    (  # retention and the shared write limit; write records kept before this version count from the upgrade
        "ALTER TABLE writes ADD COLUMN created_at DOUBLE PRECISION NOT NULL DEFAULT 0",
        "UPDATE writes SET created_at = extract(epoch FROM now())",
        "CREATE INDEX writes_age ON writes (created_at)",
        "CREATE INDEX events_age ON events (first_seen)",
        "CREATE INDEX events_unpurged ON events (first_seen) WHERE state = 'done' AND payload <> ''",
        "CREATE INDEX cache_expiry ON cache (expires_at)",
        "CREATE TABLE write_slots (key TEXT PRIMARY KEY, slots DOUBLE PRECISION[] NOT NULL)",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)


def migrate(db: psycopg.Connection[tuple[Any, ...]]) -> None:
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT max(version) FROM schema_version WHERE to_regclass('events') IS NOT NULL")
        version = (row.fetchone() or (None,))[0] or 0  # tables dropped under a version: create them again
        for statements in _MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        if version < SCHEMA_VERSION:
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
