"""What the SQLite and PostgreSQL state stores share: the links, the write log, the cache and the dead letters,
written once against a connection each store opens in its own way.
The claims, the schema, the write slots and the size stay in each store: there the two databases really differ.
"""

from __future__ import annotations

from typing import ClassVar

from adapters.state import sql_queries as q
from adapters.state.sql_connections import C, SqlConnections
from domain.tickets import Ticket, TicketKey
from ports.outbox import OutboxStats, StoredEvent, Waiting
from ports.records import WriteRecord
from ports.upkeep import Footprint

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"


class SqlState(SqlConnections[C]):
    """Implements Outbox (but `claim_due`), LinkStore, WriteLog, Cache and most of Retention, and the parts of
    IdempotencyStore after the claim."""

    _arrival: ClassVar[str]  # the column that orders rows as they were inserted
    _payload_bytes: ClassVar[str] = "octet_length(payload)"  # the payload's size in bytes, in this dialect
    _unique_violation: ClassVar[type[Exception]]  # what the driver raises when a ticket's key is taken

    # IdempotencyStore
    def complete(self, key: str, outcome: str) -> None:
        query = "UPDATE events SET state = 'done', outcome = %s, lease_until = 0, payload = '' WHERE key = %s"
        self._update_event(query, outcome, key)

    def release(self, key: str, error: str, retry_at: float) -> None:
        query = "UPDATE events SET state = 'pending', error = %s, due_at = %s, lease_until = 0 WHERE key = %s"
        self._update_event(query, error, retry_at, key)

    # Outbox
    def bury(self, key: str, error: str) -> None:
        query = "UPDATE events SET state = 'dead', error = %s, outcome = 'dead', lease_until = 0 WHERE key = %s"
        self._update_event(query, error, key)

    def stats(self) -> OutboxStats:
        query = "SELECT state, count(*) FROM events WHERE state IN ('pending', 'running', 'dead') GROUP BY state"
        counts = dict(self._read_all(query))
        return OutboxStats(pending=counts.get(PENDING, 0) + counts.get(RUNNING, 0), dead=counts.get(DEAD, 0))

    def waiting(self, limit: int = 20) -> list[Waiting]:
        query = "SELECT key, kind, attempts, due_at, error FROM events WHERE state = 'pending' ORDER BY due_at LIMIT %s"
        return [Waiting(*row) for row in self._read_all(query, (limit,))]

    def dead(self, limit: int = 20) -> list[StoredEvent]:
        rows = self._read_all(f"{q.SELECT_DEAD} ORDER BY {self._arrival} LIMIT %s", (limit,))
        return [StoredEvent(*row) for row in rows]

    # LinkStore
    def save_ticket(self, ticket: Ticket) -> None:
        """Inserts or replaces the ticket of `ticket.message_id`; a key already linked to another message is refused."""
        self._write(lambda db: self._save_ticket(db, ticket))

    def _save_ticket(self, db: C, ticket: Ticket) -> None:
        try:
            db.execute(self._dialect(q.SAVE_TICKET), q.ticket_to_row(ticket))
        except self._unique_violation as e:
            raise ValueError(f"ticket {ticket.key} is already linked to another message") from e

    def ticket_by_message(self, message_id: int) -> Ticket | None:
        return self._ticket(f"{q.SELECT_TICKET} WHERE message_id = %s", message_id)

    def ticket_by_thread(self, thread_id: int) -> Ticket | None:
        return self._ticket(f"{q.SELECT_TICKET} WHERE thread_id = %s ORDER BY {self._arrival} LIMIT 1", thread_id)

    def ticket_by_key(self, key: TicketKey) -> Ticket | None:
        return self._ticket(f"{q.SELECT_TICKET} WHERE key = %s", key.value)

    # WriteLog
    def lookup(self, effect: str) -> WriteRecord | None:
        row = self._read_one("SELECT effect, kind, external_id FROM writes WHERE effect = %s", (effect,))
        return WriteRecord(*row) if row else None

    def begin(self, effect: str, kind: str, now: float) -> None:
        query = "INSERT INTO writes (effect, kind, created_at) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
        self._execute(query, (effect, kind, now))

    def finish(self, effect: str, kind: str, external_id: str) -> None:
        self._execute(
            "INSERT INTO writes (effect, kind, external_id) VALUES (%s, %s, %s) ON CONFLICT (effect)"
            " DO UPDATE SET kind = excluded.kind, external_id = excluded.external_id",
            (effect, kind, external_id),
        )

    def is_own(self, kind: str, external_id: str) -> bool:
        query = "SELECT 1 FROM writes WHERE kind = %s AND external_id = %s LIMIT 1"
        return self._read_one(query, (kind, external_id)) is not None

    # Cache
    def get(self, key: str, now: float) -> str | None:
        row = self._read_one("SELECT value FROM cache WHERE key = %s AND expires_at > %s", (key, now))
        return str(row[0]) if row else None

    def put(self, key: str, value: str, expires_at: float) -> None:
        self._execute(
            "INSERT INTO cache (key, value, expires_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            (key, value, expires_at),
        )

    # Retention
    def purge(self, keys_before: float, now: float, limit: int) -> int:
        changed = self._execute(q.DROP_PAYLOADS, (limit,))
        changed += self._execute(q.DELETE_EVENTS, (keys_before, limit))
        open_since = self._read_one(q.OPEN_SINCE)[0]  # a write an unfinished event may repeat stays recorded
        writes_before = keys_before if open_since is None else min(keys_before, open_since)
        changed += self._execute(q.DELETE_WRITES, (writes_before, limit))
        return changed + self._execute(q.DELETE_CACHE, (now, limit))

    def _footprint(self, size: int) -> Footprint:
        events, payload, oldest = self._read_one(q.CONTENTS.replace("PAYLOAD_BYTES", self._payload_bytes))
        return Footprint(size, int(events), int(payload), None if oldest is None else float(oldest))

    def _ticket(self, query: str, value: object) -> Ticket | None:
        row = self._read_one(query, (value,))
        return q.ticket_from_row(row) if row else None

    def _update_event(self, query: str, *params: object) -> None:
        """Runs an UPDATE of one event whose last parameter is its key; a key never claimed is a KeyError."""
        if not self._execute(query, params):
            raise KeyError(params[-1])
