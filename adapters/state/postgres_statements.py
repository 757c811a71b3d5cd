"""What the PostgreSQL state store says to the database beyond the statements it shares with SQLite: the claim,
the drain, the shared write slots and the size."""

from __future__ import annotations

from typing import Any

import psycopg

from adapters.state.sql import DEAD, DONE
from ports.claims import Claim, ClaimStatus

Connection = psycopg.Connection[tuple[Any, ...]]

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
TABLES = ("events", "tickets", "writes", "cache", "write_slots", "schema_version")
SIZE = """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
    WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)"""


def claim(db: Connection, params: dict[str, Any]) -> Claim:
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
