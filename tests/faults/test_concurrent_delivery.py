"""Many deliveries and many drains at once, against real SQLite and real PostgreSQL (see docs/interface.md).

Threads share one function instance; processes are separate instances, each built from the environment, sharing the
store and the world served by this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import pytest

from entrypoints.function import handler as function
from tests.faults.conftest import LONG_MS, Webhook, deliver, drain, new_message
from tests.faults.world import THREAD_OPEN, World

pytestmark = pytest.mark.usefixtures("bridge_env")

WEBHOOKS = 50
DELIVERIES = 8
DRAINS = 4
FIRST_MESSAGE = 57000
MESSAGES = [FIRST_MESSAGE + n for n in range(WEBHOOKS)]
SPAWN = multiprocessing.get_context("spawn")

R = TypeVar("R")


@pytest.fixture
def state_url(durable_url: str) -> str:
    return durable_url


def webhooks() -> list[Webhook]:
    return [new_message(m, f"Заявка {m}: не печатает принтер на третьем этаже") for m in MESSAGES]


def together(workers: int, work: Callable[[int], R]) -> list[R]:
    """Runs `work(i)` in `workers` threads released at the same moment; re-raises the first failure."""
    barrier = threading.Barrier(workers)
    results: list[R] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(work(i))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


class Instances:
    """Function instances in spawned processes, started once for the module (a spawn costs a second of imports).

    Each round hands every instance an environment and a job (or None: it sits the round out) and releases them
    together; an instance given a new environment forgets its old self and builds anew from it, as a cold start.
    """

    def __init__(self, count: int) -> None:
        self.start, self.results = SPAWN.Barrier(count), SPAWN.Queue()
        self.inboxes = [SPAWN.Queue() for _ in range(count)]
        self.processes = [
            SPAWN.Process(target=_serve_rounds, args=(inbox, self.start, self.results), daemon=True)
            for inbox in self.inboxes
        ]
        for process in self.processes:
            process.start()

    def run(self, env: dict[str, str], jobs: list[Callable[[], Any] | None]) -> list[Any]:
        assert len(jobs) == len(self.inboxes)
        for inbox, job in zip(self.inboxes, jobs, strict=True):
            inbox.put((env, job))
        results = [self.results.get(timeout=120) for job in jobs if job is not None]
        failures = [result for result in results if isinstance(result, BaseException)]
        if failures:
            raise failures[0]
        return results

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for process in self.processes:
            process.join(timeout=30)
        assert [process.exitcode for process in self.processes] == [0] * len(self.processes)


@pytest.fixture(scope="module")
def instances() -> Iterator[Instances]:
    started = Instances(DELIVERIES)
    yield started
    started.close()


def queue_every_webhook(world: World, hooks: list[Webhook]) -> None:
    """Pachca is down (503, `Retry-After: 0`, so the client retries at once) while each webhook arrives."""
    world.inject(THREAD_OPEN, 503, retry_after=0, times=None)
    replies = [deliver(hook, LONG_MS) for hook in hooks]
    world.heal()
    assert {(reply.status, reply.outcome) for reply in replies} == {(202, "queued")}
    assert world.faults_injected == 3 * WEBHOOKS and world.threads == {}


# processes: module-level targets, so that a spawned child can import them


def _serve_rounds(inbox: Any, start: Any, results: Any) -> None:
    current: dict[str, str] | None = None
    while (round_ := inbox.get()) is not None:
        env, job = round_
        if env != current:
            os.environ.update(env)
            function.reset()
            current = env
        start.wait()
        if job is not None:
            try:
                results.put(job())
            except Exception as e:
                results.put(e)
    results.close()
    results.join_thread()
    os._exit(0)  # nothing left to tidy: skip the interpreter's slow teardown


def _deliver_all(hooks: list[Webhook]) -> list[str]:
    return [deliver(hook, LONG_MS).outcome for hook in hooks]


def _drain_once() -> dict[str, Any]:
    return drain(LONG_MS).body


# deliveries


def test_8_threads_delivering_each_of_50_webhooks_open_50_tickets(world: World) -> None:
    hooks = webhooks()

    outcomes = together(DELIVERIES, lambda _: [deliver(hook, LONG_MS).outcome for hook in hooks])

    assert Counter(o for run in outcomes for o in run) == {"created": WEBHOOKS, "duplicate": 7 * WEBHOOKS}
    world.assert_one_ticket_each(MESSAGES)


def test_8_processes_delivering_each_of_50_webhooks_open_50_tickets(
    world: World, bridge_env: dict[str, str], instances: Instances
) -> None:
    outcomes = instances.run(bridge_env, [partial(_deliver_all, webhooks())] * DELIVERIES)

    assert Counter(o for run in outcomes for o in run) == {"created": WEBHOOKS, "duplicate": 7 * WEBHOOKS}
    world.assert_one_ticket_each(MESSAGES)


# drains


def test_4_threads_draining_50_queued_entries_while_they_are_redelivered(world: World) -> None:
    hooks = webhooks()
    queue_every_webhook(world, hooks)

    def drain_or_redeliver(i: int) -> int:
        if i == DRAINS:  # one more worker: Pachca delivering every webhook again meanwhile
            return sum(deliver(hook, LONG_MS).outcome == "created" for hook in hooks)
        done: int = drain(LONG_MS).body["done"]
        return done

    done = together(DRAINS + 1, drain_or_redeliver)

    assert sum(done) == WEBHOOKS
    assert drain(LONG_MS).body == {"ok": True, "outcome": "drained", "done": 0, "left": 0}
    world.assert_one_ticket_each(MESSAGES)


def test_4_processes_draining_50_queued_entries(world: World, bridge_env: dict[str, str], instances: Instances) -> None:
    queue_every_webhook(world, webhooks())

    drained = instances.run(bridge_env, [_drain_once] * DRAINS + [None] * (DELIVERIES - DRAINS))

    assert sum(body["done"] for body in drained) == WEBHOOKS
    assert drain(LONG_MS).body == {"ok": True, "outcome": "drained", "done": 0, "left": 0}
    world.assert_one_ticket_each(MESSAGES)
