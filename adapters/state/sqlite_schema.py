"""The SQLite store's schema: created on first use, migrated by `PRAGMA user_version`, and any table found missing
(one dropped, or all of them) created again in its current form."""

from __future__ import annotations

import sqlite3

_VERSIONS = """CREATE TABLE IF NOT EXISTS versions (
    message_id INTEGER PRIMARY KEY,
    carried REAL,
    deleted INTEGER NOT NULL DEFAULT 0,
    holder REAL,
    lease_until REAL NOT NULL DEFAULT 0
)"""
# The columns of events and tickets, as the first version created them and as they still are (the day a migration
# changes one, write its current form out in CURRENT)
_EVENTS = """(
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
)"""
_TICKETS = """(
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
)"""
# One tuple of statements per schema version; never edit a released version, append a new one.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"CREATE TABLE events {_EVENTS}",
        "CREATE INDEX events_takeable ON events (due_at) WHERE state IN ('pending', 'running')",
        f"CREATE TABLE tickets {_TICKETS}",
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
    (  # lasting write records (a carried Tracker comment), and the versions of carried messages, taken atomically
        "ALTER TABLE writes ADD COLUMN lasting INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX writes_passing ON writes (created_at) WHERE lasting = 0",
        "DROP INDEX writes_age",  # the purge reads writes_passing now: lasting rows need no age in an index
        # what belongs to a ticket's lasting record: carried Tracker comments, carried replies, their files
        "UPDATE writes SET lasting = 1 WHERE effect LIKE 'relay:%' OR effect LIKE 'comment:%' OR effect LIKE 'files:%'",
        _VERSIONS,
        """INSERT OR IGNORE INTO versions (message_id, carried, deleted)
            SELECT CAST(substr(effect, 9) AS INTEGER),
                CASE WHEN external_id = 'deleted' THEN NULL
                    ELSE round((julianday(external_id) - 2440587.5) * 86400.0, 3) END,  -- to the millisecond
                CASE WHEN external_id = 'deleted' THEN 1 ELSE 0 END
            FROM writes WHERE kind = 'pachca_version' AND effect LIKE 'version:%' AND external_id IS NOT NULL""",
        "DELETE FROM writes WHERE kind = 'pachca_version'",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)
# Every table and index in its current form: what a table found missing is created again as
CURRENT: tuple[str, ...] = (
    f"CREATE TABLE IF NOT EXISTS events {_EVENTS}",
    "CREATE INDEX IF NOT EXISTS events_takeable ON events (due_at) WHERE state IN ('pending', 'running')",
    "CREATE INDEX IF NOT EXISTS events_age ON events (first_seen)",
    "CREATE INDEX IF NOT EXISTS events_unpurged ON events (first_seen) WHERE state = 'done' AND payload <> ''",
    f"CREATE TABLE IF NOT EXISTS tickets {_TICKETS}",
    "CREATE INDEX IF NOT EXISTS tickets_thread ON tickets (thread_id)",
    """CREATE TABLE IF NOT EXISTS writes (
        effect TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        external_id TEXT,
        created_at REAL NOT NULL DEFAULT 0,
        lasting INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS writes_external ON writes (kind, external_id)",
    "CREATE INDEX IF NOT EXISTS writes_passing ON writes (created_at) WHERE lasting = 0",
    "CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cache_expiry ON cache (expires_at)",
    "CREATE TABLE IF NOT EXISTS write_slots (key TEXT PRIMARY KEY, slots TEXT NOT NULL)",
    _VERSIONS,
)


def migrate(db: sqlite3.Connection) -> None:
    """Runs the migrations the file has not had, then creates every table and index found missing."""
    if not _has_tables(db):
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # takes effect only in a file without tables yet
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0] if _has_tables(db) else 0
        for statements in _MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        for statement in CURRENT:
            db.execute(statement)
        if version < SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.rollback()
        raise


def _has_tables(db: sqlite3.Connection) -> bool:
    """Whether any table of the bridge is left: a file without any is new (or emptied), whatever its version says."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone() is not None
