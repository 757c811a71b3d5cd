"""A handler that raises, or never finishes (the function's invocation ran out of time), is tried a
bounded number of times and then buried, as an event that keeps failing transiently is; it never loops for ever
answered `duplicate`."""

from __future__ import annotations

from application.once.inbox import DUPLICATE, FAILED, MAX_TROUBLED_RUNS, QUEUED
from application.tracker_events import TrackerCommentAdded
from tests.builders import message
from tests.conftest import Bridge
from tests.people import ENGINEER

LEASE = 300.0


class Killed(BaseException):
    """What the platform does to a run past its deadline: nothing after it in the run happens."""


def commented(bridge: Bridge) -> TrackerCommentAdded:
    bridge.deliver(message(56431))
    return TrackerCommentAdded("SERVICEDESK-1", bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Готово"))


def test_a_handler_that_keeps_raising_is_retried_then_buried(bridge: Bridge) -> None:
    event = commented(bridge)
    bridge.tracker.faults.add("get_comment", *(RuntimeError("boom") for _ in range(10)))

    outcomes = [bridge.deliver(event)]
    for _ in range(5):
        bridge.clock.advance(2 * 3600)
        bridge.drain()
    (dead,) = bridge.state.dead()

    assert outcomes == [QUEUED]
    assert bridge.tracker.calls["get_comment"] == MAX_TROUBLED_RUNS
    assert dead.last_error is not None and "RuntimeError: boom" in dead.last_error


def test_a_handler_that_raises_once_is_retried_and_succeeds(bridge: Bridge) -> None:
    event = commented(bridge)
    bridge.tracker.faults.add("get_comment", RuntimeError("a fluke"))

    assert bridge.deliver(event) == QUEUED
    bridge.clock.advance(60)
    assert bridge.drain() == (1, 0)

    assert bridge.state.dead() == []
    assert bridge.messenger.thread_posts(bridge.messenger.threads[56431].thread_id)[-1].text.endswith("Готово")


def test_runs_that_never_finish_are_buried_after_a_bounded_number_of_tries(bridge: Bridge) -> None:
    event = commented(bridge)
    bridge.tracker.faults.add("get_comment", *(Killed() for _ in range(20)))

    for _ in range(12):  # redeliveries and timer runs, each after the lease of the run before ran out
        try:
            bridge.deliver(event)
        except Killed:
            pass
        bridge.clock.advance(LEASE + 1)
        try:
            bridge.drain()
        except Killed:
            pass
    runs = bridge.tracker.calls["get_comment"]

    (dead,) = bridge.state.dead()
    assert runs <= MAX_TROUBLED_RUNS + 1
    assert dead.last_error is not None and "never finished" in dead.last_error
    assert bridge.deliver(event) == DUPLICATE  # kept as dead: a redelivery changes nothing


def test_an_event_that_is_buried_answers_as_done_not_failed_again(bridge: Bridge) -> None:
    event = commented(bridge)
    bridge.tracker.faults.add("get_comment", *(RuntimeError("boom") for _ in range(10)))
    bridge.deliver(event)
    for _ in range(5):
        bridge.clock.advance(2 * 3600)
        bridge.drain()

    assert bridge.deliver(event) not in (QUEUED, FAILED)
