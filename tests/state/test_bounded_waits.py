"""A PostgreSQL table locked by someone else costs a bounded wait, then the store is unavailable (a webhook gets
503, the health check fails) instead of every call hanging for as long as the lock is held."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from adapters.state.postgres import LOCK_TIMEOUT
from adapters.state.stores import open_state
from ports.errors import StateUnavailable
from ports.state.claims import ClaimStatus

T = 1_700_000_000.0
LEASE = 60.0
BOUND = 2 * float(LOCK_TIMEOUT.removesuffix("s")) + 1.0  # the lock timeout twice over, and a connection's set-up

pytestmark = pytest.mark.postgres


@contextmanager
def locked(url: str, table: str) -> Iterator[None]:
    """Holds `LOCK TABLE <table> IN ACCESS EXCLUSIVE MODE` in another session until the block ends."""
    import psycopg

    with psycopg.connect(url) as other, other.transaction():
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield


def timed(call: Callable[[], object]) -> float:
    """How long `call` took to fail as the store being unavailable. Run aside and given up on past twice the bound,
    so a store that waits for the lock for ever fails the test instead of hanging it (the lock is let go after)."""
    took: list[float] = []
    errors: list[BaseException] = []

    def run() -> None:
        started = time.monotonic()
        try:
            call()
        except BaseException as e:
            errors.append(e)
        took.append(time.monotonic() - started)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(2 * BOUND)
    assert took, f"still waiting after {2 * BOUND} s"
    assert len(errors) == 1 and isinstance(errors[0], StateUnavailable), errors
    return took[0]


@pytest.mark.parametrize("table", ["events", "cache", "tickets"])
def test_a_locked_table_fails_the_health_check_in_bounded_time(postgres_url: str, table: str) -> None:
    store = open_state(postgres_url)
    try:
        store.ping()
        with locked(postgres_url, table):
            assert timed(store.ping) < BOUND
        store.ping()  # the lock gone, healthy again
    finally:
        store.close()


def test_a_locked_events_table_fails_a_claim_in_bounded_time_and_loses_nothing(postgres_url: str) -> None:
    store = open_state(postgres_url)
    try:
        store.ping()
        with locked(postgres_url, "events"):
            assert timed(lambda: store.claim("k", "message", "{}", T, LEASE)) < BOUND
        assert store.claim("k", "message", "{}", T, LEASE).status is ClaimStatus.ACQUIRED  # redelivered: taken
    finally:
        store.close()


def test_a_new_connection_waits_no_longer_than_one_in_use(postgres_url: str) -> None:
    first = open_state(postgres_url)
    first.ping()  # the schema exists
    first.close()
    with locked(postgres_url, "events"):
        fresh = open_state(postgres_url)
        try:
            assert timed(fresh.ping) < BOUND
        finally:
            fresh.close()


def test_threads_waiting_on_a_lock_all_give_up_in_bounded_time(postgres_url: str) -> None:
    store = open_state(postgres_url)
    store.ping()
    took: list[float] = []
    try:
        with locked(postgres_url, "events"):
            threads = [threading.Thread(target=lambda: took.append(timed(store.ping))) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert len(took) == 4 and max(took) < BOUND
    finally:
        store.close()
