"""The per-chat write limit kept in the store: the same sliding window as the in-process limiter, shared by every
instance (threads here, processes on SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Any

from adapters.pachca.ratelimit import ChatRateLimiter
from adapters.state.stores import open_state

LIMIT, SPAN = 4, 0.5
CHECKED = SPAN - 0.1  # what any window of the span may hold, allowing for scheduling delays
SPAWN = multiprocessing.get_context("spawn")


def most_in_any_window(times: list[float], width: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + width) for i, start in enumerate(times))


def test_the_first_writes_go_at_once_and_the_next_waits_for_the_window(state: Any) -> None:
    waits = [state.reserve("chat-1", LIMIT, SPAN) for _ in range(LIMIT + 1)]

    assert all(wait <= 0.01 for wait in waits[:LIMIT])
    assert SPAN - 0.2 < waits[LIMIT] <= SPAN


def test_chats_do_not_share_slots(state: Any) -> None:
    for _ in range(LIMIT):
        state.reserve("chat-1", LIMIT, SPAN)

    assert state.reserve("chat-2", LIMIT, SPAN) <= 0.01


def test_limiters_sharing_a_store_keep_one_limit_between_them(state: Any) -> None:
    limiters = [ChatRateLimiter(limit=LIMIT, window=SPAN, margin=0.0, shared=state) for _ in range(3)]
    sent: list[float] = []
    lock = threading.Lock()

    def write(limiter: ChatRateLimiter) -> None:
        for _ in range(3):
            limiter.acquire(334)
            with lock:
                sent.append(time.monotonic())

    threads = [threading.Thread(target=write, args=(limiters[i % 3],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(sent) == 12
    assert most_in_any_window(sent, CHECKED) <= LIMIT
    assert max(sent) - min(sent) >= 2 * SPAN - 0.05  # 12 writes: two full windows waited


def _write_from_another_instance(url: str, writes: int, sent: Any) -> None:
    limiter = ChatRateLimiter(limit=LIMIT, window=SPAN, margin=0.0, shared=open_state(url))
    for _ in range(writes):
        limiter.acquire(334)
        sent.put(time.time())


def test_processes_sharing_a_durable_store_keep_one_limit_between_them(durable_url: str) -> None:
    open_state(durable_url).ping()  # the schema exists before the instances race for it
    sent = SPAWN.Queue()
    instances = [SPAWN.Process(target=_write_from_another_instance, args=(durable_url, 5, sent)) for _ in range(3)]
    for instance in instances:
        instance.start()
    times = [sent.get(timeout=60) for _ in range(15)]
    for instance in instances:
        instance.join(30)

    assert most_in_any_window(times, CHECKED) <= LIMIT
