"""Poll mode (`DELIVERY=poll`): nothing calls the bridge; two instances on one durable store read the event history
and search Tracker themselves, and carry each event once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from entrypoints.composition.bootstrap import build_container
from entrypoints.composition.container import Container
from entrypoints.http.webhooks import HttpRequest
from tests.conftest import TEST_ENV
from tests.entrypoints.apis import pachca_body, signed
from tests.faults.test_recovery import AGENT_ANSWER, FIRST, NOTE, REPLY, SECOND, _message, _reply
from tests.faults.world import IVAN, QUEUE, World

POLL_ENV = {
    **{k: v for k, v in TEST_ENV.items() if k not in ("WEBHOOK_SECRET", "TRACKER_WEBHOOK_SECRET")},
    "DELIVERY": "poll",
    "POLL_SECONDS": "0.2",
    "TRACKER_QUEUE": QUEUE,
    "LOG_LEVEL": "WARNING",
}


def _instance(world: World, state_url: str) -> Container:
    return build_container({**POLL_ENV, **world.env(), "STATE_URL": state_url}, state_url)


@contextmanager
def _polling(*containers: Container, search_seconds: float = 0.5) -> Iterator[None]:
    stop = threading.Event()
    threads = []
    for container in containers:
        poller = container.poller(drain_seconds=1.0)
        poller.search_seconds = search_seconds  # the test's pace; the default is max(10, 3 × POLL_SECONDS)
        threads.append(poller.start(stop))
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def _has_card(world: World, message_id: int) -> bool:
    try:
        return bool(world.cards_of(world.issue_of(message_id).key))
    except (KeyError, ValueError):  # not yet: the issue or its thread is still being made
        return False


def _until(check: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_two_polling_instances_on_one_store_carry_each_event_once(world: World, durable_url: str) -> None:
    first, second = _instance(world, durable_url), _instance(world, durable_url)
    world.pachca.history.record(_message(FIRST))
    with _polling(first, second):
        assert _until(lambda: _has_card(world, FIRST))
        key = world.issue_of(FIRST).key
        world.pachca.history.record(_message(SECOND, "Принтер не печатает"))
        world.pachca.history.record(_reply(REPLY, world.thread_of(FIRST), "Ошибка появляется при входе"))
        world.comment_as(IVAN, key, AGENT_ANSWER)
        world.comment_as(IVAN, key, NOTE)
        assert world.tracker.move(key, "start_progress", IVAN.uid)

        def all_carried() -> bool:
            posts = [p.content for p in world.posts_in(world.thread_of(FIRST))]
            return (
                SECOND in world.threads
                and any("Ошибка появляется при входе" in c.text for c in world.comments_on(key))
                and any(AGENT_ANSWER in text for text in posts)
                and any(text.startswith("Статус заявки изменён") for text in posts)
            )

        assert _until(all_carried)
        time.sleep(1.0)  # more turns of both loops: nothing more may happen

    assert world.duplicates() == []
    world.assert_one_ticket_each([FIRST, SECOND])
    assert not any("сервер лицензий" in p.content for p in world.posts)
    assert world.pachca.history.pending() == 0
    assert world.unrouted == []


def test_poll_mode_needs_no_webhook_secret_and_refuses_every_webhook(world: World, sqlite_url: str) -> None:
    container = _instance(world, sqlite_url)
    body, headers = signed(pachca_body(FIRST), secret="")  # what anyone could sign with an empty secret

    reply = container.webhooks().handle(HttpRequest("POST", "/", {k.lower(): v for k, v in headers.items()}, body))

    assert reply.status == 401
    assert world.outbound() == 0
