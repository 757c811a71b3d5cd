"""A burst of top-level messages delivered concurrently to `serve` (waitress), against the simulated, rate-limited
Pachca."""

from __future__ import annotations

import logging
import math
import queue
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from adapters.state.sqlite import SqliteState
from bench.webhooks import SECRET_ENV, message_body, signed
from entrypoints.composition.bootstrap import build_container
from entrypoints.composition.container import Container
from entrypoints.config.settings import DEFAULT_SERVE_STATE_URL
from entrypoints.http.in_process import serving
from entrypoints.http.wsgi import make_wsgi_app
from entrypoints.sandbox.simulators.pachca.ratelimit import (
    WINDOW_SECONDS,
    WRITES_PER_WINDOW,
    SlidingWindow,
    ThreadCounting,
)
from entrypoints.sandbox.simulators.people import BOT_ID
from entrypoints.sandbox.simulators.world import World

CHAT_BASE = 918_000
USER_BASE = 134_400
PEOPLE = 10
SERVER_THREADS = 8  # `servicedesk-bot serve`'s default


@dataclass(frozen=True)
class Burst:
    messages: int
    chats: int
    clients: int
    thread_counts_as: str
    seconds: float  # first request sent to last answer received
    floor_seconds: float  # the busiest chat's writes at the allowed rate
    rejected: int  # 429s the fake answered
    answers: Counter[int]  # HTTP statuses the bridge answered
    lost: int  # messages without an issue or without a card when the last answer came
    duplicated: int  # messages with more than one issue or card
    lost_after_drain: int
    drain_seconds: float
    log_counts: Counter[str]

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds else math.inf


def measure_burst(
    messages: int = 200,
    chats: int = 5,
    clients: int = 16,
    thread_counts_as: ThreadCounting = "root",
    drain_for: float = 30.0,
) -> Burst:
    world = World(limit=SlidingWindow(thread_counts_as=thread_counts_as))
    with world.served() as apis, tempfile.TemporaryDirectory(prefix="bench-burst-") as tmp:
        with _restored_root_logger():
            container = build_container(_env(apis, Path(tmp) / "state.db"), DEFAULT_SERVE_STATE_URL)
            log_counts = _count_warnings()
            with _serving(container) as url:
                batch = _messages(messages, chats)
                apis.pachca.message_chats.update((m.message_id, m.chat_id) for m in batch)
                seconds, answers = _deliver(url, batch, clients)
                lost, duplicated = _check(apis, batch)
                drain_started = time.perf_counter()
                _drain(container, drain_for)
                drain_seconds = time.perf_counter() - drain_started
                lost_after_drain, _ = _check(apis, batch)
            _close(container)
        busiest = max(writes_per_chat(apis).values(), default=0)
        return Burst(
            messages=messages,
            chats=chats,
            clients=clients,
            thread_counts_as=thread_counts_as,
            seconds=seconds,
            floor_seconds=busiest * WINDOW_SECONDS / WRITES_PER_WINDOW,
            rejected=apis.pachca.rejected,
            answers=answers,
            lost=lost,
            duplicated=duplicated,
            lost_after_drain=lost_after_drain,
            drain_seconds=drain_seconds if lost else 0.0,
            log_counts=log_counts,
        )


def _env(apis: World, state_file: Path) -> dict[str, str]:
    return {
        **SECRET_ENV,
        **apis.env(),
        "STATE_URL": f"sqlite:///{state_file}",
        "BOT_USER_ID": str(BOT_ID),
        "LOG_LEVEL": "WARNING",
    }


@dataclass(frozen=True)
class Message:
    message_id: int
    chat_id: int
    body: bytes
    headers: dict[str, str]


def _close(container: Container) -> None:
    state = container.outside.state()
    if isinstance(state, SqliteState):
        state.close()


def _messages(count: int, chats: int) -> list[Message]:
    """`count` signed top-level messages spread round-robin over the chats, from a handful of people."""
    now = int(time.time())
    batch = []
    for i in range(count):
        message_id, chat_id, user_id = 3_000_000 + i, CHAT_BASE + i % chats, USER_BASE + i % PEOPLE
        body = message_body(message_id, chat_id, user_id, now, f"Заявка №{i}: не работает принтер")
        batch.append(Message(message_id, chat_id, *signed(body)))
    return batch


def _deliver(url: str, batch: list[Message], clients: int) -> tuple[float, Counter[int]]:
    """Every message once, from `clients` threads at once; returns the elapsed time and the statuses answered."""
    todo: queue.Queue[Message] = queue.Queue()
    for message in batch:
        todo.put(message)
    answers: Counter[int] = Counter()
    lock = threading.Lock()

    def client() -> None:
        with requests.Session() as session:
            while True:
                try:
                    message = todo.get_nowait()
                except queue.Empty:
                    return
                status = session.post(url, data=message.body, headers=message.headers, timeout=120).status_code
                with lock:
                    answers[status] += 1

    threads = [threading.Thread(target=client, name=f"bench-client-{n}") for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, answers


def _check(apis: World, batch: list[Message]) -> tuple[int, int]:
    lost = duplicated = 0
    for message in batch:
        issues, cards = _issues_for(apis, message.message_id), _cards_for(apis, message.message_id)
        lost += issues == 0 or cards == 0
        duplicated += issues > 1 or cards > 1
    return lost, duplicated


def writes_per_chat(apis: World) -> Counter[int]:
    """The bot's accepted message writes, by the chat whose limit they count against."""
    return Counter(apis.pachca.rate_key(post) for post in apis.posts)


def _issues_for(apis: World, message_id: int) -> int:
    issues = list(apis.issues.values())
    return sum(1 for issue in issues if issue.local_fields.get("pachcaMessageId") == str(message_id))


def _cards_for(apis: World, message_id: int) -> int:
    thread = apis.threads.get(message_id)
    return 0 if thread is None else sum(1 for p in apis.posts if p.entity_type == "thread" and p.entity_id == thread.id)


def _drain(container: Container, seconds: float) -> None:
    """Runs the retry outbox, as the timer trigger would, until it is empty or `seconds` have passed."""
    inbox = container.inbox()
    deadline = time.monotonic() + seconds
    while container.outside.state().stats().pending and time.monotonic() < deadline:
        inbox.drain()
        time.sleep(0.5)


@contextmanager
def _serving(container: Container) -> Iterator[str]:
    with serving(make_wsgi_app(container.webhooks()), threads=SERVER_THREADS) as base:
        yield base + "/"


class _Counting(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.name}: {re.sub(r'[0-9]+', 'N', record.getMessage())[:60]}"] += 1


def _count_warnings() -> Counter[str]:
    """Replaces the handlers `configure_logging` installed: the bridge's warnings are counted, not printed."""
    counting = _Counting()
    logging.getLogger().handlers[:] = [counting]
    return counting.counts


@contextmanager
def _restored_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
