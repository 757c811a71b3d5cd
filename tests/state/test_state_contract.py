"""One contract for every state store: the same checks run against memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from adapters.state.stores import open_state
from domain.tickets import ThreadRef, Ticket, TicketKey
from ports.state.claims import Claim, ClaimStatus, IdempotencyStore
from ports.state.outbox import Outbox, OutboxStats, StoredEvent, Waiting
from ports.state.records import Cache, LinkStore, WriteLog, WriteRecord
from ports.state.upkeep import HealthCheck

T = 1_700_000_000.0
LEASE = 60.0


def claim(state: Any, key: str, now: float = T, payload: str = "{}") -> Claim:
    result: Claim = state.claim(key, "message", payload, now, LEASE)
    return result


def released(state: Any, key: str, retry_at: float, payload: str = "{}") -> None:
    assert claim(state, key, payload=payload).status is ClaimStatus.ACQUIRED
    state.release(key, "Tracker 503", retry_at)


def test_implements_every_state_port(state: Any) -> None:
    for port in (IdempotencyStore, Outbox, LinkStore, WriteLog, Cache, HealthCheck):
        assert isinstance(state, port)


# IdempotencyStore


def test_a_new_key_is_acquired_on_the_first_attempt(state: Any) -> None:
    assert claim(state, "k") == Claim(ClaimStatus.ACQUIRED, attempts=1)


def test_a_key_held_under_a_live_lease_is_busy(state: Any) -> None:
    claim(state, "k")
    assert claim(state, "k", now=T + LEASE - 1) == Claim(ClaimStatus.BUSY, attempts=1)


def test_a_completed_key_is_done_with_its_outcome(state: Any) -> None:
    claim(state, "k")
    state.complete("k", "created SD-1")
    assert claim(state, "k", now=T + 10 * LEASE) == Claim(ClaimStatus.DONE, outcome="created SD-1", attempts=1)


def test_an_expired_lease_is_taken_over_once(state: Any) -> None:
    claim(state, "k")
    assert claim(state, "k", now=T + LEASE) == Claim(ClaimStatus.ACQUIRED, attempts=2)
    assert claim(state, "k", now=T + LEASE + 1) == Claim(ClaimStatus.BUSY, attempts=2)


def test_a_released_key_waits_for_its_retry_time(state: Any) -> None:
    released(state, "k", retry_at=T + 30)
    assert claim(state, "k", now=T + 29) == Claim(ClaimStatus.BUSY, attempts=1)
    assert claim(state, "k", now=T + 30) == Claim(ClaimStatus.ACQUIRED, attempts=2)
    assert claim(state, "k", now=T + 31) == Claim(ClaimStatus.BUSY, attempts=2)


def test_a_buried_key_is_done_as_dead(state: Any) -> None:
    claim(state, "k")
    state.bury("k", "400 Bad Request")
    assert claim(state, "k", now=T + 10 * LEASE) == Claim(ClaimStatus.DONE, outcome="dead", attempts=1)


def test_a_retried_key_can_complete(state: Any) -> None:
    released(state, "k", retry_at=T + 30)
    claim(state, "k", now=T + 30)
    state.complete("k", "commented")
    assert claim(state, "k", now=T + 40) == Claim(ClaimStatus.DONE, outcome="commented", attempts=2)
    assert state.stats() == OutboxStats(pending=0, dead=0)


@pytest.mark.parametrize("finish", ["complete", "release", "bury"])
def test_finishing_a_key_never_claimed_is_a_key_error(state: Any, finish: str) -> None:
    args = {"complete": ("ok",), "release": ("error", T), "bury": ("error",)}[finish]
    with pytest.raises(KeyError):
        getattr(state, finish)("never-seen", *args)


# Outbox


def test_claim_due_takes_due_entries_in_due_order(state: Any) -> None:
    released(state, "third", retry_at=T + 30, payload='{"n": 3}')
    released(state, "first", retry_at=T + 10, payload='{"n": 1}')
    released(state, "second", retry_at=T + 20, payload='{"n": 2}')
    released(state, "later", retry_at=T + 100)
    claim(state, "running")
    claim(state, "done")
    state.complete("done", "ok")

    taken = state.claim_due(T + 50, LEASE, 10)

    assert taken == [
        StoredEvent("first", "message", '{"n": 1}', 2, T),
        StoredEvent("second", "message", '{"n": 2}', 2, T),
        StoredEvent("third", "message", '{"n": 3}', 2, T),
    ]


def test_claim_due_keeps_arrival_order_for_the_same_due_time(state: Any) -> None:
    for key in ("b", "a", "c"):
        released(state, key, retry_at=T + 10)
    assert [event.key for event in state.claim_due(T + 10, LEASE, 10)] == ["b", "a", "c"]


def test_claim_due_respects_the_limit_and_leases_what_it_takes(state: Any) -> None:
    for n in range(5):
        released(state, f"k{n}", retry_at=T + n)

    first = state.claim_due(T + 10, LEASE, 2)
    rest = state.claim_due(T + 10, LEASE, 10)

    assert [event.key for event in first] == ["k0", "k1"]
    assert [event.key for event in rest] == ["k2", "k3", "k4"]
    assert state.claim_due(T + 10, LEASE, 10) == []
    assert claim(state, "k0", now=T + 11).status is ClaimStatus.BUSY


def test_claim_due_takes_over_expired_leases(state: Any) -> None:
    claim(state, "crashed")
    assert state.claim_due(T + LEASE - 1, LEASE, 10) == []
    assert state.claim_due(T + LEASE, LEASE, 10) == [StoredEvent("crashed", "message", "{}", 2, T)]


def test_a_takeover_keeps_the_original_event(state: Any) -> None:
    claim(state, "k", payload='{"original": true}')
    state.release("k", "timeout", T + 5)
    assert state.claim("k", "other-kind", '{"other": true}', T + 5, LEASE).status is ClaimStatus.ACQUIRED
    state.release("k", "timeout", T + 10)
    assert state.claim_due(T + 10, LEASE, 1) == [StoredEvent("k", "message", '{"original": true}', 3, T)]


def test_stats_count_waiting_and_running_as_pending_and_buried_as_dead(state: Any) -> None:
    assert state.stats() == OutboxStats(pending=0, dead=0)
    released(state, "waiting", retry_at=T + 10)
    claim(state, "running")
    claim(state, "done")
    state.complete("done", "ok")
    claim(state, "dead")
    state.bury("dead", "400")
    assert state.stats() == OutboxStats(pending=2, dead=1)


def test_waiting_lists_the_events_due_for_a_retry_soonest_first(state: Any) -> None:
    released(state, "later", retry_at=T + 60)
    released(state, "sooner", retry_at=T + 10)
    claim(state, "running")
    claim(state, "dead")
    state.bury("dead", "400")

    assert state.waiting() == [
        Waiting("sooner", "message", 1, T + 10, "Tracker 503"),
        Waiting("later", "message", 1, T + 60, "Tracker 503"),
    ]
    assert [w.key for w in state.waiting(limit=1)] == ["sooner"]


def test_dead_lists_buried_events_in_arrival_order_up_to_the_limit(state: Any) -> None:
    for n in range(4):
        claim(state, f"k{n}", now=T + n, payload=f'{{"n": {n}}}')
    for n in (2, 0, 3):
        state.bury(f"k{n}", "400")

    assert state.dead() == [
        StoredEvent("k0", "message", '{"n": 0}', 1, T, "400"),
        StoredEvent("k2", "message", '{"n": 2}', 1, T + 2, "400"),
        StoredEvent("k3", "message", '{"n": 3}', 1, T + 3, "400"),
    ]
    assert [event.key for event in state.dead(limit=2)] == ["k0", "k2"]


def test_a_dead_event_is_never_due_again(state: Any) -> None:
    released(state, "k", retry_at=T + 1)
    claim(state, "k", now=T + 1)
    state.bury("k", "gave up")
    assert state.claim_due(T + 10 * LEASE, LEASE, 10) == []


# LinkStore

BIG = 2**62  # ids are 64-bit


def ticket(message_id: int = 101, key: str = "SD-1") -> Ticket:
    return Ticket(TicketKey(key), message_id=message_id, chat_id=BIG + 1, requester_id=7)


def test_a_saved_ticket_is_found_by_message_and_key(state: Any) -> None:
    saved = ticket(message_id=BIG)
    state.save_ticket(saved)
    assert state.ticket_by_message(BIG) == saved
    assert state.ticket_by_key(TicketKey("SD-1")) == saved
    assert state.ticket_by_thread(BIG) is None


def test_saving_a_ticket_again_updates_it(state: Any) -> None:
    state.save_ticket(ticket())
    thread = ThreadRef(thread_id=BIG + 5, chat_id=BIG + 6, root_message_id=101, root_chat_id=BIG + 1)
    updated = Ticket(TicketKey("SD-1"), 101, BIG + 1, 7, thread=thread, card_message_id=BIG + 7, status="В работе")

    state.save_ticket(updated)

    assert state.ticket_by_message(101) == updated
    assert state.ticket_by_thread(BIG + 5) == updated
    assert state.ticket_by_key(TicketKey("SD-1")) == updated


def test_tickets_are_told_apart(state: Any) -> None:
    one, two = ticket(101, "SD-1"), replace(ticket(102, "SD-2"), thread=ThreadRef(9, 10, 102, BIG + 1))
    state.save_ticket(one)
    state.save_ticket(two)
    assert state.ticket_by_key(TicketKey("SD-2")) == two
    assert state.ticket_by_message(101) == one
    assert state.ticket_by_thread(9) == two


def test_unknown_tickets_are_none(state: Any) -> None:
    assert state.ticket_by_message(1) is None
    assert state.ticket_by_thread(1) is None
    assert state.ticket_by_key(TicketKey("SD-404")) is None


# WriteLog


def test_a_write_is_unknown_until_begun_then_pending_then_finished(state: Any) -> None:
    assert state.lookup("comment:SD-1:77") is None
    state.begin("comment:SD-1:77", "tracker-comment", T)
    assert state.lookup("comment:SD-1:77") == WriteRecord("comment:SD-1:77", "tracker-comment", None)
    state.finish("comment:SD-1:77", "tracker-comment", "c-500")
    assert state.lookup("comment:SD-1:77") == WriteRecord("comment:SD-1:77", "tracker-comment", "c-500")


def test_beginning_a_finished_write_again_keeps_its_result(state: Any) -> None:
    state.begin("e", "pachca-message", T)
    state.finish("e", "pachca-message", "900")
    state.begin("e", "pachca-message", T + 1)
    assert state.lookup("e") == WriteRecord("e", "pachca-message", "900")


def test_own_writes_are_recognised_by_kind_and_id(state: Any) -> None:
    state.begin("e", "tracker-comment", T)
    assert not state.is_own("tracker-comment", "c-1")
    state.finish("e", "tracker-comment", "c-1")
    assert state.is_own("tracker-comment", "c-1")
    assert not state.is_own("pachca-message", "c-1")
    assert not state.is_own("tracker-comment", "c-2")


# Cache


def test_a_cached_value_lives_until_it_expires(state: Any) -> None:
    assert state.get("user:1", T) is None
    state.put("user:1", '{"name": "Анна"}', T + 60)
    assert state.get("user:1", T + 59.5) == '{"name": "Анна"}'
    assert state.get("user:1", T + 60) is None


def test_a_cached_value_is_replaced(state: Any) -> None:
    state.put("bot-id", "1", T + 60)
    state.put("bot-id", "2", T + 120)
    assert state.get("bot-id", T + 90) == "2"


# HealthCheck


def test_ping_answers(state: Any) -> None:
    assert state.ping() is None


# durable stores only


def test_what_is_stored_survives_a_restart(durable_url: str) -> None:
    first = open_state(durable_url)
    claim(first, "k")
    first.complete("k", "ok")
    first.save_ticket(ticket())
    first.finish("e", "tracker-comment", "c-1")
    first.put("bot-id", "1", T + 60)
    first.close()

    second = open_state(durable_url)
    try:
        assert claim(second, "k").outcome == "ok"
        assert second.ticket_by_key(TicketKey("SD-1")) == ticket()
        assert second.is_own("tracker-comment", "c-1")
        assert second.get("bot-id", T) == "1"
    finally:
        second.close()


def test_a_ticket_key_belongs_to_one_message(state: Any) -> None:
    state.save_ticket(ticket(101, "SD-1"))
    with pytest.raises(ValueError, match="SD-1"):
        state.save_ticket(ticket(102, "SD-1"))
    assert state.ticket_by_key(TicketKey("SD-1")) == ticket(101, "SD-1")
    assert state.ticket_by_message(102) is None
