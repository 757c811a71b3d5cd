"""The durable stores under contention: threads, processes, concurrent drains and a worker killed mid-event."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from adapters.state.stores import open_state
from ports.errors import StateUnavailable
from ports.state.claims import ClaimStatus

T = 1_700_000_000.0
LEASE = 60.0
KEYS = [f"event-{n}" for n in range(50)]
SPAWN = multiprocessing.get_context("spawn")

R = TypeVar("R")


@pytest.fixture
def store(durable_url: str) -> Iterator[Any]:
    opened = open_state(durable_url)
    yield opened
    opened.close()


def together(workers: int, work: Callable[[], R]) -> list[R]:
    """Runs `work` in `workers` threads released at the same moment; re-raises the first failure."""
    barrier = threading.Barrier(workers)
    results: list[R] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(work())
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def acquired_keys(store: Any, now: float = T) -> list[str]:
    return [key for key in KEYS if store.claim(key, "message", "{}", now, LEASE).status is ClaimStatus.ACQUIRED]


def test_threads_claiming_the_same_keys_acquire_each_once(store: Any) -> None:
    results = together(8, lambda: acquired_keys(store))

    assert Counter(key for keys in results for key in keys) == Counter(KEYS)


# processes: module-level targets, so that a spawned child can import them


def _claim_in_process(url: str, start: Any, results: Any) -> None:
    store = open_state(url)
    start.wait()
    results.put(acquired_keys(store))


def test_processes_claiming_the_same_keys_acquire_each_once(durable_url: str) -> None:
    start, results = SPAWN.Barrier(4), SPAWN.Queue()
    processes = [SPAWN.Process(target=_claim_in_process, args=(durable_url, start, results)) for _ in range(4)]
    for process in processes:
        process.start()
    acquired = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=10)

    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    assert Counter(key for keys in acquired for key in keys) == Counter(KEYS)


def test_concurrent_drains_take_each_due_entry_once(store: Any) -> None:
    for n, key in enumerate(KEYS):
        store.claim(key, "message", "{}", T, LEASE)
        store.release(key, "Tracker 503", T + n % 7)

    def drain() -> list[str]:
        taken: list[str] = []
        while batch := store.claim_due(T + 10, LEASE, 3):
            taken += [event.key for event in batch]
        return taken

    results = together(4, drain)

    assert Counter(key for keys in results for key in keys) == Counter(KEYS)
    assert store.claim_due(T + 10, LEASE, 100) == []


def _claim_and_hang(url: str, claimed: Any) -> None:
    store = open_state(url)
    store.claim("crash", "message", "{}", T, LEASE)
    claimed.set()
    threading.Event().wait(60)  # killed here, before `complete`


def test_a_key_held_by_a_killed_worker_is_busy_until_its_lease_expires(store: Any, durable_url: str) -> None:
    claimed = SPAWN.Event()
    worker = SPAWN.Process(target=_claim_and_hang, args=(durable_url, claimed))
    worker.start()
    assert claimed.wait(timeout=30)
    os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
    worker.join(timeout=10)
    assert worker.exitcode == -signal.SIGKILL

    assert store.claim("crash", "message", "{}", T + LEASE - 1, LEASE).status is ClaimStatus.BUSY
    outcomes = together(4, lambda: store.claim("crash", "message", "{}", T + LEASE, LEASE).status)
    assert Counter(outcomes) == Counter({ClaimStatus.ACQUIRED: 1, ClaimStatus.BUSY: 3})


# failures of the store itself


@pytest.mark.postgres
def test_a_dropped_postgres_connection_is_replaced(postgres_url: str) -> None:
    import psycopg

    name = f"state-test-{os.getpid()}"
    store = open_state(f"{postgres_url}&application_name={name}")
    try:
        store.ping()
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (name,))
        with pytest.raises(StateUnavailable):
            store.ping()
        store.ping()
        assert store.claim("k", "message", "{}", T, LEASE).status is ClaimStatus.ACQUIRED
    finally:
        store.close()


def test_an_unusable_sqlite_file_is_state_unavailable(tmp_path: Any) -> None:
    (tmp_path / "state.db").mkdir()
    store = open_state(f"sqlite:///{tmp_path}/state.db")
    with pytest.raises(StateUnavailable, match="SQLite"):
        store.ping()


def test_a_sqlite_file_in_missing_directories_is_created(tmp_path: Any) -> None:
    store = open_state(f"sqlite:///{tmp_path}/a/b/state.db")
    store.ping()
    store.close()
    assert (tmp_path / "a" / "b" / "state.db").is_file()
