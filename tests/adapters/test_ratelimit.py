"""ChatRateLimiter with a fake clock: no real sleeping, no timing."""

from __future__ import annotations

import threading

import pytest

from adapters.ratelimit import ChatRateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def limiter(time: FakeTime) -> ChatRateLimiter:
    return ChatRateLimiter(rate_per_second=4.0, burst=4, clock=time.clock, sleep=time.sleep)


def test_a_burst_passes_without_waiting(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(4):
        limiter.acquire(334)

    assert time.sleeps == []


def test_eight_writes_to_one_chat_take_at_least_a_second(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(8):
        limiter.acquire(334)

    assert time.now >= 1.0
    assert time.sleeps == [0.25, 0.25, 0.25, 0.25]


def test_different_chats_do_not_wait_for_each_other(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(4):
        limiter.acquire(334)

    limiter.acquire(335)

    assert time.sleeps == []


def test_tokens_come_back_with_time(limiter: ChatRateLimiter, time: FakeTime) -> None:
    for _ in range(4):
        limiter.acquire(334)
    time.now += 1.0

    for _ in range(4):
        limiter.acquire(334)

    assert time.sleeps == []


def test_concurrent_writers_do_not_overrun_the_rate() -> None:
    waits: list[float] = []
    limiter = ChatRateLimiter(rate_per_second=4.0, burst=4, clock=lambda: 100.0, sleep=waits.append)
    start = threading.Barrier(12)

    def writer() -> None:
        start.wait()
        limiter.acquire(334)

    threads = [threading.Thread(target=writer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    # every writer got its own slot: four at once, then one every quarter second
    assert sorted(waits) == [0.25 * k for k in range(1, 9)]


def test_a_waiting_writer_does_not_hold_up_other_chats() -> None:
    in_sleep = threading.Event()
    let_go = threading.Event()

    def blocking_sleep(seconds: float) -> None:
        in_sleep.set()
        let_go.wait(30)

    limiter = ChatRateLimiter(rate_per_second=4.0, burst=1, clock=lambda: 0.0, sleep=blocking_sleep)
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


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 4), (4.0, 0)])
def test_a_limit_that_lets_nothing_through_is_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        ChatRateLimiter(rate_per_second=rate, burst=burst)
