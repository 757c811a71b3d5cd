"""An instance killed (SIGKILL) between claiming an event and completing it, against SQLite and PostgreSQL.

The world holds the instance's request at the chosen step (its effect already made, the answer not yet sent) until
the instance is dead. The event must not stay blocked (its claim expires with the dead invocation's deadline plus a
small margin) nor have its effect twice when a redelivery or a drain completes it; a redelivery meanwhile is told the
event is in progress (202), never that it is done.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from application.once.retry import RetrySchedule
from tests.entrypoints.conftest import http_event
from tests.faults.conftest import LONG_MS, SHORT_MS, Webhook, deliver, drain, invoke, new_message
from tests.faults.world import ISSUE_CREATE, MESSAGE_LIST, MESSAGE_POST, World

pytestmark = pytest.mark.usefixtures("bridge_env")

LEASE = SHORT_MS / 1000 + RetrySchedule().lease_margin  # the killed invocation's deadline plus the product's margin
MESSAGE = 58000
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def state_url(durable_url: str) -> str:
    return durable_url


def _deliver_with_a_short_deadline(env: dict[str, str], hook: Webhook) -> None:
    """A function invocation with SHORT_MS left: it is killed while its request is held."""
    os.environ.update(env)
    deliver(hook, SHORT_MS)


def kill_while_held(world: World, route: str, hook: Webhook, bridge_env: dict[str, str]) -> float:
    """Starts an instance on `hook`, kills it once `route` has its request; returns when the claim expires."""
    assert invoke(http_event("GET", b"", {}), LONG_MS).status == 200  # the surviving instance is up already
    held = world.inject(route, delay=60, commit=True)
    instance = SPAWN.Process(target=_deliver_with_a_short_deadline, args=(bridge_env, hook))
    instance.start()
    assert held.arrived.wait(timeout=60)
    claimed_by = time.monotonic()  # the claim came before the held request: it expires no later than this + LEASE
    os.kill(instance.pid, signal.SIGKILL)  # type: ignore[arg-type]
    instance.join(timeout=10)
    assert instance.exitcode == -signal.SIGKILL
    held.released.set()  # the dead instance's answer goes nowhere
    return claimed_by + LEASE


def wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()) + 0.05)


def test_killed_after_creating_the_issue_a_redelivery_completes_it_once(
    world: World, bridge_env: dict[str, str]
) -> None:
    hook = new_message(MESSAGE)
    expires = kill_while_held(world, ISSUE_CREATE, hook, bridge_env)

    early = deliver(hook, LONG_MS)
    wait_until(expires)
    late = deliver(hook, LONG_MS)

    assert (early.status, early.outcome) == (202, "queued")  # in progress: no second worker, not told it is done
    assert (late.status, late.outcome) == (200, "created")
    assert world.received(ISSUE_CREATE) == 2  # the second met 409 and found the issue by `unique`
    world.assert_one_ticket_each([MESSAGE])


def test_killed_after_posting_the_card_a_drain_completes_it_once(world: World, bridge_env: dict[str, str]) -> None:
    hook = new_message(MESSAGE)
    expires = kill_while_held(world, MESSAGE_POST, hook, bridge_env)

    early = drain(LONG_MS)
    wait_until(expires)
    late = drain(LONG_MS)

    assert early.body == {"ok": True, "outcome": "drained", "done": 0, "left": 1}  # kept, not lost, not taken
    assert late.body == {"ok": True, "outcome": "drained", "done": 1, "left": 0}
    assert world.received(MESSAGE_POST) == 1  # the card the dead instance posted was found in the thread
    assert world.received(MESSAGE_LIST) == 1
    world.assert_one_ticket_each([MESSAGE])
