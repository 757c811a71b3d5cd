"""What the SQLite and PostgreSQL stores share: their statements (`%s` placeholders) and a ticket as a row."""

from __future__ import annotations

from typing import Any

from domain.tickets import ThreadRef, Ticket, TicketKey

SELECT_TICKET = """SELECT message_id, key, chat_id, requester_id, thread_id, thread_chat_id, root_message_id,
    root_chat_id, card_message_id, status FROM tickets"""
SAVE_TICKET = """INSERT INTO tickets (message_id, key, chat_id, requester_id, thread_id, thread_chat_id,
        root_message_id, root_chat_id, card_message_id, status)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (message_id) DO UPDATE SET key = excluded.key, chat_id = excluded.chat_id,
        requester_id = excluded.requester_id, thread_id = excluded.thread_id, thread_chat_id = excluded.thread_chat_id,
        root_message_id = excluded.root_message_id, root_chat_id = excluded.root_chat_id,
        card_message_id = excluded.card_message_id, status = excluded.status"""
SELECT_DEAD = "SELECT key, kind, payload, attempts, first_seen, error FROM events WHERE state = 'dead'"
# retention: each statement changes at most a batch of rows, oldest first, along an index
DROP_PAYLOADS = """UPDATE events SET payload = '' WHERE key IN (
    SELECT key FROM events WHERE state = 'done' AND payload <> '' LIMIT %s)"""
DELETE_EVENTS = """DELETE FROM events WHERE key IN (
    SELECT key FROM events WHERE state IN ('done', 'dead') AND first_seen < %s ORDER BY first_seen LIMIT %s)"""
OPEN_SINCE = "SELECT min(first_seen) FROM events WHERE state IN ('pending', 'running')"
DELETE_WRITES = """DELETE FROM writes WHERE effect IN (
    SELECT effect FROM writes WHERE created_at < %s ORDER BY created_at LIMIT %s)"""
DELETE_CACHE = """DELETE FROM cache WHERE key IN (
    SELECT key FROM cache WHERE expires_at <= %s ORDER BY expires_at LIMIT %s)"""
CONTENTS = "SELECT count(*), coalesce(sum(PAYLOAD_BYTES), 0), min(first_seen) FROM events"  # bytes: per dialect
HEALTH_PROBE = """INSERT INTO cache (key, value, expires_at) VALUES ('health-probe', '', 0)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value"""


def ticket_to_row(ticket: Ticket) -> tuple[object, ...]:
    """The columns of `tickets` from message_id to status."""
    thread = ticket.thread
    thread_columns = (thread.thread_id, thread.chat_id, thread.root_message_id, thread.root_chat_id) if thread else ()
    return (
        ticket.message_id,
        ticket.key.value,
        ticket.chat_id,
        ticket.requester_id,
        *(thread_columns or (None,) * 4),
        ticket.card_message_id,
        ticket.status,
    )


def ticket_from_row(row: tuple[Any, ...]) -> Ticket:
    message_id, key, chat_id, requester_id, thread_id, thread_chat_id, root_message_id, root_chat_id, card, status = row
    thread = None
    if thread_id is not None:
        thread = ThreadRef(thread_id, thread_chat_id, root_message_id, root_chat_id)
    return Ticket(TicketKey(key), message_id, chat_id, requester_id, thread, card, status)
