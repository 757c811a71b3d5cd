"""The inbox over every store with a fake clock: retention by the drain pass, leases by the deadline, redeliveries
of an event in progress."""

from __future__ import annotations

import threading
from typing import Any

from application.events import Event, MessagePosted
from application.once.inbox import DUPLICATE, QUEUED, Inbox
from application.once.retry import RetentionPolicy, RetrySchedule
from entrypoints.sandbox.in_memory import FakeClock
from ports.errors import TransientFailure
from ports.state.claims import ClaimStatus
from tests.builders import message

DAY = 86400.0
REPLAY_WINDOW = 360.0  # WEBHOOK_MAX_AGE_SECONDS and the future skew a timestamp may have
TEXT = "Не работает вход в 1С. " * 2000  # about 46 KB of text: a long message with a pasted log


class Handler:
    def __init__(self) -> None:
        self.failing = False
        self.handled: list[str] = []

    def __call__(self, event: Event) -> str:
        if self.failing:
            raise TransientFailure("Tracker 503")
        self.handled.append(event.key)
        return "created"


def inbox(state: Any, clock: FakeClock, handler: Any, days: float = 30, **kw: Any) -> Inbox:
    retention = (state, RetentionPolicy.of(days, REPLAY_WINDOW))
    return Inbox(state, state, {MessagePosted: [handler]}, clock, cache=state, retention=retention, **kw)


def test_the_drain_pass_purges_by_retention_and_a_replay_is_still_recognised(state: Any) -> None:
    clock, handler = FakeClock(), Handler()
    bridge = inbox(state, clock, handler)
    handler.failing = True
    for i in range(20):
        assert bridge.accept(message(1000 + i, TEXT)) == QUEUED
    queued = state.footprint()

    handler.failing = False
    assert bridge.drain() == (20, 0)
    drained = state.footprint()
    clock.advance(30 * DAY - 1)
    assert bridge.accept(message(1000, TEXT)) == DUPLICATE  # inside the retention: recognised
    clock.advance(2)
    bridge.drain()
    purged = state.footprint()

    assert (queued.events, queued.payload_bytes) == (
        20,
        sum(len(message(1000 + i, TEXT).dump().encode()) for i in range(20)),
    )
    assert (drained.events, drained.payload_bytes) == (20, 0)  # finished: key and outcome only
    assert (purged.events, purged.payload_bytes, purged.oldest) == (0, 0, None)


def test_with_retention_0_a_replay_inside_the_replay_window_is_still_recognised(state: Any) -> None:
    clock, handler = FakeClock(), Handler()
    bridge = inbox(state, clock, handler, days=0)
    bridge.accept(message(1000))

    clock.advance(REPLAY_WINDOW - 1)
    bridge.drain()
    replayed = bridge.accept(message(1000))
    clock.advance(2)
    bridge.drain()

    assert replayed == DUPLICATE
    assert state.footprint().events == 0
    assert handler.handled == ["pachca:message:1000"]


def test_a_claim_lasts_the_deadline_plus_the_margin_then_is_taken_over(state: Any) -> None:
    clock, started, release = FakeClock(), threading.Event(), threading.Event()

    def stuck(event: Event) -> str:
        started.set()
        release.wait(10)  # a worker that dies here never completes
        return "created"

    schedule = RetrySchedule()
    dying = inbox(state, clock, stuck, time_left=lambda: 3.0, schedule=schedule)
    worker = threading.Thread(target=dying.accept, args=(message(1000),))
    worker.start()
    assert started.wait(10)
    key = message(1000).key
    try:
        expires = clock.now() + 3.0 + schedule.lease_margin
        assert state.claim(key, "pachca.message", "{}", expires - 0.01, 60).status is ClaimStatus.BUSY
        assert state.claim(key, "pachca.message", "{}", expires, 60).status is ClaimStatus.ACQUIRED
    finally:
        release.set()
        worker.join(10)


class FirstDelivery:
    """The first delivery of message 1000, held inside its handler until released."""

    def __init__(self, state: Any, busy_wait: float) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.results: list[str] = []
        self.bridge = inbox(state, FakeClock(), self._slow, schedule=RetrySchedule(busy_wait=busy_wait))
        self.worker = threading.Thread(target=lambda: self.results.append(self.bridge.accept(message(1000))))
        self.worker.start()
        assert self.started.wait(10)

    def _slow(self, event: Event) -> str:
        self.started.set()
        self.release.wait(10)
        return "created"

    def finish(self) -> list[str]:
        self.release.set()
        self.worker.join(10)
        return self.results


def test_a_redelivery_during_a_live_claim_is_queued_never_a_duplicate(state: Any) -> None:
    first = FirstDelivery(state, busy_wait=0.2)

    during = first.bridge.accept(message(1000))
    results = first.finish()
    after = first.bridge.accept(message(1000))

    assert (during, results, after) == (QUEUED, ["created"], DUPLICATE)


def test_a_redelivery_that_waits_long_enough_gets_the_finished_result(state: Any) -> None:
    first = FirstDelivery(state, busy_wait=10)
    threading.Timer(0.2, first.release.set).start()

    assert first.bridge.accept(message(1000)) == DUPLICATE  # said only once the first delivery has finished it
    assert first.finish() == ["created"]


def test_an_event_class_with_two_handlers_runs_both_and_is_done_when_both_are(state: Any) -> None:
    """A second handler on an event (a rating asked after the status announcement) is one more item in its list: a
    transient failure of the second keeps the event, the retry runs both again, the first one's outcome is the
    event's."""
    clock, first, second = FakeClock(), Handler(), Handler()
    bridge = Inbox(state, state, {MessagePosted: [first, lambda e: second(e) and "asked"]}, clock, cache=state)
    second.failing = True

    assert bridge.accept(message(4242, TEXT)) == QUEUED
    second.failing = False
    assert bridge.drain() == (1, 0)

    assert first.handled == [message(4242, TEXT).key] * 2  # each handler makes its writes once (OnceWriter)
    assert second.handled == [message(4242, TEXT).key]
    assert bridge.accept(message(4242, TEXT)) == DUPLICATE
