"""Retention against memory, SQLite and PostgreSQL: what a purge removes, what it keeps, and that it is bounded."""

from __future__ import annotations

from typing import Any

from ports.state.claims import ClaimStatus
from ports.state.records import WriteRecord
from ports.state.upkeep import Footprint, Retention, WriteSlots

T = 1_700_000_000.0
LEASE = 60.0
DAY = 86400.0
BIG = "x" * 20_000


def finished(state: Any, key: str, now: float = T, payload: str = BIG) -> None:
    assert state.claim(key, "message", payload, now, LEASE).status is ClaimStatus.ACQUIRED
    state.complete(key, "created")


def test_implements_retention_and_write_slots(state: Any) -> None:
    assert isinstance(state, Retention) and isinstance(state, WriteSlots)


def test_a_finished_event_keeps_its_key_and_outcome_but_not_its_payload(state: Any) -> None:
    for i in range(20):
        state.claim(f"k{i}", "message", BIG, T, LEASE)
    running = state.footprint()

    for i in range(20):
        state.complete(f"k{i}", "created")

    assert (running.events, running.payload_bytes) == (20, 20 * len(BIG))
    assert (state.footprint().events, state.footprint().payload_bytes) == (20, 0)
    assert state.claim("k0", "message", BIG, T + 1, LEASE).outcome == "created"


def test_finished_and_dead_events_older_than_the_cutoff_are_deleted(state: Any) -> None:
    finished(state, "old", T)
    state.claim("dead", "message", BIG, T, LEASE)
    state.bury("dead", "Tracker 400")
    finished(state, "young", T + DAY)

    state.purge(keys_before=T + DAY, now=T + DAY, limit=100)

    assert state.claim("old", "message", "{}", T + DAY, LEASE).status is ClaimStatus.ACQUIRED  # forgotten
    assert state.dead() == []
    assert state.claim("young", "message", "{}", T + DAY, LEASE).status is ClaimStatus.DONE


def test_unfinished_events_are_never_deleted_however_old(state: Any) -> None:
    state.claim("running", "message", BIG, T, LEASE)
    state.claim("waiting", "message", BIG, T, LEASE)
    state.release("waiting", "Tracker 503", T + 10 * DAY)

    state.purge(keys_before=T + DAY, now=T + DAY, limit=100)

    assert [e.key for e in state.claim_due(T + 10 * DAY, LEASE, 10)] == ["running", "waiting"]
    assert state.footprint().oldest == T


def test_write_records_are_deleted_unless_an_unfinished_event_may_repeat_them(state: Any) -> None:
    state.begin("old", "tracker_comment", T)
    state.finish("old", "tracker_comment", "c-1")
    state.claim("open", "message", "{}", T + 10, LEASE)  # still running: its writes must stay known
    state.begin("mine", "pachca_message", T + 20)

    state.purge(keys_before=T + DAY, now=T + DAY, limit=100)
    assert state.lookup("mine") == WriteRecord("mine", "pachca_message", None)
    assert state.lookup("old") is None and not state.is_own("tracker_comment", "c-1")

    state.complete("open", "created")
    state.purge(keys_before=T + DAY, now=T + DAY, limit=100)
    assert state.lookup("mine") is None


def test_expired_cache_entries_are_deleted(state: Any) -> None:
    state.put("gone", "1", T)
    state.put("live", "2", T + 60)

    state.purge(keys_before=0.0, now=T, limit=100)

    assert state.get("live", T) == "2"
    assert state.put("gone", "3", T + 60) is None and state.get("gone", T) == "3"  # a new entry, not an old one


def test_one_purge_changes_at_most_a_batch_of_each_kind(state: Any) -> None:
    for i in range(7):
        finished(state, f"k{i}", T + i)
        state.put(f"c{i}", "v", T)

    assert state.purge(keys_before=T + DAY, now=T + 1, limit=3) == 3 + 3  # events, cache entries
    assert state.purge(keys_before=T + DAY, now=T + 1, limit=3) == 3 + 3
    assert state.purge(keys_before=T + DAY, now=T + 1, limit=3) == 1 + 1
    assert state.purge(keys_before=T + DAY, now=T + 1, limit=3) == 0
    assert state.footprint().oldest is None


def test_the_footprint_names_the_oldest_event_and_shrinks_with_a_purge(state: Any) -> None:
    assert state.footprint().oldest is None
    for i in range(30):
        state.claim(f"k{i}", "message", BIG, T + i, LEASE)
        state.bury(f"k{i}", "Tracker 400")  # dead entries keep their payload for people to look at
    full = state.footprint()

    state.purge(keys_before=T + DAY, now=T + DAY, limit=100)

    assert (full.events, full.payload_bytes, full.oldest) == (30, 30 * len(BIG), T) and full.bytes > 0
    assert state.footprint() == Footprint(state.footprint().bytes, 0, 0, None)


def test_a_payload_kept_by_an_older_version_is_dropped_by_the_next_purge(durable_url: str) -> None:
    from adapters.state.stores import open_state

    store: Any = open_state(durable_url)
    try:
        finished(store, "k")
        store._execute("UPDATE events SET payload = %s WHERE key = %s", (BIG, "k"))  # as the previous version left it
        assert store.footprint().payload_bytes == len(BIG)

        store.purge(keys_before=0.0, now=T, limit=100)

        assert (store.footprint().events, store.footprint().payload_bytes) == (1, 0)
        assert store.claim("k", "message", "{}", T + 1, LEASE).outcome == "created"
    finally:
        store.close()


def test_a_lasting_write_record_outlives_every_purge(state: Any) -> None:
    state.begin("relay:SERVICEDESK-1/601", "pachca_message", T, lasting=True)
    state.finish("relay:SERVICEDESK-1/601", "pachca_message", "50001")
    state.begin("comment:194300", "tracker_comment", T)
    state.finish("comment:194300", "tracker_comment", "SERVICEDESK-1/602")

    state.purge(keys_before=T + 400 * DAY, now=T + 400 * DAY, limit=100)

    assert state.lookup("relay:SERVICEDESK-1/601") == WriteRecord("relay:SERVICEDESK-1/601", "pachca_message", "50001")
    assert state.lookup("comment:194300") is None


def test_a_write_begun_again_as_lasting_becomes_lasting(state: Any) -> None:
    state.begin("relay:SERVICEDESK-1/601", "pachca_message", T)
    state.begin("relay:SERVICEDESK-1/601", "pachca_message", T, lasting=True)

    state.purge(keys_before=T + DAY, now=T + DAY, limit=100)

    assert state.lookup("relay:SERVICEDESK-1/601") is not None
