"""Three `servicedesk-bot serve` processes on one PostgreSQL: a burst into one chat against a rate-limited Pachca
fake. The write limit lives in the store, so the three together keep to Pachca's limit; and what one write costs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from adapters.pachca.ratelimit import ChatRateLimiter
from adapters.state.memory import MemoryState
from adapters.state.sqlite import SqliteState
from adapters.state.stores import open_state
from bench.burst import CHAT_BASE, _check, _deliver, _env, _messages, writes_per_chat
from entrypoints.sandbox.simulators.pachca.ratelimit import WINDOW_SECONDS, WRITES_PER_WINDOW, SlidingWindow
from entrypoints.sandbox.simulators.world import World
from ports.state.upkeep import WriteSlots

POSTGRES_ENV = ("BENCH_POSTGRES_URL", "TEST_POSTGRES_URL")
SERVE = str(Path(sys.executable).parent / "servicedesk-bot")


@dataclass(frozen=True)
class SharedBurst:
    instances: int
    messages: int
    seconds: float
    floor_seconds: float
    rejected: int
    lost: int
    duplicated: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds


@dataclass(frozen=True)
class SlotCost:
    store: str
    microseconds: float  # median wall time of one reservation
    round_trips: float  # statements sent to the database per reservation


def postgres_url() -> str | None:
    return next((os.environ[name] for name in POSTGRES_ENV if os.environ.get(name)), None)


@contextmanager
def fresh_schema(admin_url: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        separator = "&" if "?" in admin_url else "?"
        yield f"{admin_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure_shared_burst(admin_url: str, messages: int = 200, instances: int = 3, clients: int = 16) -> SharedBurst:
    with World(limit=SlidingWindow()).served() as apis, fresh_schema(admin_url) as url, ExitStack() as stack:
        env = {**os.environ, **_env(apis, Path("unused.db")), "STATE_URL": url, "LOG_LEVEL": "ERROR"}
        bases = [stack.enter_context(_serve(env)) for _ in range(instances)]
        batch = _messages(messages, chats=1)
        apis.pachca.message_chats.update((m.message_id, m.chat_id) for m in batch)
        seconds = _deliver_round_robin(bases, batch, clients)
        lost, duplicated = _check(apis, batch)
        writes = writes_per_chat(apis)[CHAT_BASE]
        floor = writes * WINDOW_SECONDS / WRITES_PER_WINDOW
        return SharedBurst(instances, messages, seconds, floor, apis.pachca.rejected, lost, duplicated)


def _deliver_round_robin(bases: list[str], batch: list[Any], clients: int) -> float:
    """`clients` threads, each sending to one of the instances in turn, as a load balancer would."""
    per_instance = [batch[i :: len(bases)] for i in range(len(bases))]
    started = time.perf_counter()
    import threading

    threads = [
        threading.Thread(target=_deliver, args=(base, part, max(1, clients // len(bases))))
        for base, part in zip(bases, per_instance, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


@contextmanager
def _serve(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    args = [SERVE, "serve", "--port", str(port)]
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(base + "healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"serve did not come up at {base}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure_slot_cost(admin_url: str | None, reservations: int = 2000, tmp: Path | None = None) -> list[SlotCost]:
    """The added cost per write: one reservation, against the in-process limiter it replaces."""
    costs = [_cost("in process (before)", _InProcess(), reservations), _cost("memory", MemoryState(), reservations)]
    with ExitStack() as stack:
        folder = tmp or Path(stack.enter_context(_tempdir()))
        sqlite = SqliteState(str(folder / "slots.db"))
        costs.append(_cost("SQLite", sqlite, reservations))
        sqlite.close()
        if admin_url:
            url = stack.enter_context(fresh_schema(admin_url))
            postgres = open_state(url)
            costs.append(_cost("PostgreSQL", postgres, reservations, _statements(postgres)))
            postgres.close()
    return costs


class _InProcess:
    def __init__(self) -> None:
        self.limiter = ChatRateLimiter()

    def reserve(self, key: str, limit: int, span: float) -> float:
        return self.limiter._reserve(key)


def _cost(label: str, slots: WriteSlots, reservations: int, statements: list[int] | None = None) -> SlotCost:
    slots.reserve("warm-up", 4, 1.1)
    if statements is not None:
        statements.clear()
    times = []
    for n in range(reservations):
        started = time.perf_counter_ns()
        slots.reserve(f"chat-{n % 50}", 4, 1.1)
        times.append(time.perf_counter_ns() - started)
    times.sort()
    trips = len(statements) / reservations if statements is not None else 0.0
    return SlotCost(label, times[len(times) // 2] / 1000, trips)


def _statements(store: Any) -> list[int]:
    """Counts the statements the store's connection sends (each one a round trip in autocommit mode)."""
    sent: list[int] = []
    store.ping()
    connection = store._local.connection
    execute = connection.execute

    def counted(*args: Any, **kwargs: Any) -> Any:
        sent.append(1)
        return execute(*args, **kwargs)

    connection.execute = counted
    return sent


@contextmanager
def _tempdir() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-slots-") as tmp:
        yield tmp
