"""The SQLite store's schema: created on first use, migrated by `PRAGMA user_version`, created again when its
tables were dropped."""

from __future__ import annotations

import sqlite3

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
    (  # retention and the shared write limit; write records kept before this version count from the upgrade
        "ALTER TABLE writes ADD COLUMN created_at REAL NOT NULL DEFAULT 0",
        "UPDATE writes SET created_at = CAST(strftime('%s', 'now') AS REAL)",
        "CREATE INDEX writes_age ON writes (created_at)",
        "CREATE INDEX events_age ON events (first_seen)",
        "CREATE INDEX events_unpurged ON events (first_seen) WHERE state = 'done' AND payload <> ''",
        "CREATE INDEX cache_expiry ON cache (expires_at)",
        "CREATE TABLE write_slots (key TEXT PRIMARY KEY, slots TEXT NOT NULL)",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)


def migrate(db: sqlite3.Connection) -> None:
    if not _has_events(db):
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # takes effect only in a file without tables yet
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0] if _has_events(db) else 0
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


def _has_events(db: sqlite3.Connection) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
    return db.execute(query).fetchone() is not None
