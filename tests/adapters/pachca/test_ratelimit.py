"""ChatRateLimiter with a fake clock: no real sleeping, no timing."""

from __future__ import annotations

import threading

import pytest

from adapters.pachca.ratelimit import ChatRateLimiter
from entrypoints.sandbox.in_memory import FakeTime


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def limiter(time: FakeTime) -> ChatRateLimiter:
    return ChatRateLimiter(limit=4, window=1.0, margin=0.1, clock=time.clock, sleep=time.sleep)


def test_four_writes_pass_without_waiting(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(4):
        limiter.acquire(334)

    assert time.sleeps == []


def test_no_window_of_a_second_ever_holds_more_than_four_writes(limiter: ChatRateLimiter, time: FakeTime) -> None:
    starts = []
    for _ in range(20):
        limiter.acquire(334)
        starts.append(time.now)
        time.now += 0.01  # the write itself

    for i, start in enumerate(starts):
        assert sum(1 for other in starts[i:] if other < start + 1.0) <= 4
    assert starts[-1] >= 4 * 1.1


def test_different_chats_do_not_wait_for_each_other(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(4):
        limiter.acquire(334)

    limiter.acquire(335)

    assert time.sleeps == []


def test_slots_come_back_with_time(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(4):
        limiter.acquire(334)
    time.now += 1.1

    for _ in range(4):
        limiter.acquire(334)

    assert time.sleeps == []


def test_concurrent_writers_each_get_their_own_slot() -> None:
    waits: list[float] = []
    limiter = ChatRateLimiter(limit=4, window=1.0, margin=0.1, clock=lambda: 100.0, sleep=waits.append)
    start = threading.Barrier(12)

    def writer() -> None:
        start.wait()
        limiter.acquire(334)

    threads = [threading.Thread(target=writer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    # four at once, four after one window, four after two
    assert sorted(waits) == pytest.approx([1.1] * 4 + [2.2] * 4)


def test_a_waiting_writer_does_not_hold_up_other_chats() -> None:
    in_sleep = threading.Event()
    let_go = threading.Event()

    def blocking_sleep(seconds: float) -> None:
        in_sleep.set()
        let_go.wait(30)

    limiter = ChatRateLimiter(limit=1, clock=lambda: 0.0, sleep=blocking_sleep)
    limiter.acquire(334)
    waiter = threading.Thread(target=limiter.acquire, args=(334,))
    waiter.start()
    assert in_sleep.wait(5)

    other = threading.Thread(target=limiter.acquire, args=(335,))
    other.start()
    other.join(timeout=2)
    finished_while_the_first_slept = not other.is_alive()
    let_go.set()
    waiter.join(timeout=5)

    assert finished_while_the_first_slept


@pytest.mark.parametrize(("limit", "window", "margin"), [(0, 1.0, 0.1), (4, 0.0, 0.1), (4, 1.0, -1.0)])
def test_a_limit_that_lets_nothing_through_is_refused(limit: int, window: float, margin: float) -> None:
    with pytest.raises(ValueError):
        ChatRateLimiter(limit=limit, window=window, margin=margin)
