"""Per-event CPU cost and outbound calls, through the real WebhookApp.handle path with in-memory fakes."""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from adapters.state.sqlite import SqliteState
from bench.webhooks import button_body, from_tracker, message_body, reply_body, signed, tracker_comment_body
from domain.card import Action, ButtonPress, Card
from domain.people import Person
from domain.tickets import NewIssue, PachcaMessage, Ticket
from entrypoints.config.logs import Redactor, configure_logging
from entrypoints.http.webhooks import HttpRequest, HttpResponse, WebhookApp
from entrypoints.sandbox.in_memory_bridge import AGENT, REQUESTER, TEST_ENV, Bridge, make_bridge
from entrypoints.sandbox.simulators.webhooks import SUPPORT_CHAT

MessageFactory = Callable[[int], HttpRequest]
Store = Literal["memory", "sqlite"]
TRACKER_AUTHOR = Person("1130000012345678", "Анна Смирнова", "asmirnova", "asmirnova@example.com")
CLICK_CYCLE = (Action.TAKE, Action.CLOSE, Action.REOPEN)  # each one a real transition in the fake's workflow


@contextmanager
def bench_bridge(store: Store = "memory") -> Iterator[Bridge]:
    """A bridge on the in-memory fakes, on `MemoryState` or on a SQLite file."""
    bridge = make_bridge()
    if store == "memory":
        yield bridge
        return
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
        sqlite = SqliteState(str(Path(tmp) / "state.db"))
        bridge.container.outside.state.override(sqlite)
        try:
            yield bridge
        finally:
            sqlite.close()


@dataclass(frozen=True)
class Kind:
    name: str
    outcome: str
    events: Callable[[Bridge, Ticket], MessageFactory]  # the i-th event of this kind, as a webhook request


def _tickets(bridge: Bridge, ticket: Ticket) -> MessageFactory:
    now = int(bridge.clock.now())
    return lambda i: _pachca(message_body(1_000_000 + i, SUPPORT_CHAT, REQUESTER, now, "Не работает вход в 1С"))


def _replies(bridge: Bridge, ticket: Ticket) -> MessageFactory:
    assert ticket.thread is not None
    thread, now = ticket.thread, int(bridge.clock.now())
    return lambda i: _pachca(reply_body(thread, 2_000_000 + i, REQUESTER, now, "Посмотрел, воспроизводится"))


def _tracker_comments(bridge: Bridge, ticket: Ticket) -> MessageFactory:
    def comment(i: int) -> HttpRequest:
        bridge.tracker.issues[str(ticket.key)].comments.clear()  # keeps the fake's linear lookup out of the numbers
        comment_id = bridge.tracker.human_comment(str(ticket.key), TRACKER_AUTHOR, "Проверили, выдали доступ")
        return webhook_request(*from_tracker(tracker_comment_body(str(ticket.key), comment_id)))

    return comment


def _clicks(bridge: Bridge, ticket: Ticket) -> MessageFactory:
    assert ticket.card_message_id is not None
    card, now = ticket.card_message_id, int(bridge.clock.now())

    def click(i: int) -> HttpRequest:
        data = ButtonPress(CLICK_CYCLE[i % len(CLICK_CYCLE)], ticket.key).encode()
        return _pachca(button_body(card, ticket.chat_id, AGENT, now, data))

    return click


def _duplicates(bridge: Bridge, ticket: Ticket) -> MessageFactory:
    first = _tickets(bridge, ticket)(0)
    assert _outcome(bridge.container.webhooks().handle(first)) == "created"
    bridge.reset_calls()
    return lambda i: first


KINDS = (
    Kind("ticket from message", "created", _tickets),
    Kind("thread reply", "commented", _replies),
    Kind("Tracker comment", "posted", _tracker_comments),
    Kind("button click", "status_changed", _clicks),
    Kind("duplicate", "duplicate", _duplicates),
)


def seed_ticket(bridge: Bridge, message_id: int = 56_431) -> Ticket:
    """A ticket with its thread and card, put straight into the fakes and the store: no cache gets warm."""
    messenger, tracker = bridge.messenger, bridge.tracker
    thread = messenger.open_thread(message_id)
    url = f"https://app.pachca.com/chats/{SUPPORT_CHAT}?message={message_id}"
    message = PachcaMessage(message_id, SUPPORT_CHAT, REQUESTER, "Не работает вход в 1С", url)
    issue = NewIssue.from_message(tracker.queue, message, messenger.users[REQUESTER], thread)
    key = tracker.create_issue(issue, tracker.local_field_ids(tracker.queue))
    card = Card.for_ticket(key, "https://tracker.yandex.ru")
    card_id = messenger.post_to_thread(thread, card.text, card.buttons).message_id
    ticket = Ticket(key, message_id, SUPPORT_CHAT, REQUESTER, thread, card_id)
    bridge.container.outside.state().save_ticket(ticket)
    bridge.reset_calls()
    return ticket


# CPU cost


@dataclass(frozen=True)
class Cost:
    kind: str
    events: int
    cpu_p50_us: float
    cpu_p99_us: float
    wall_p50_us: float
    wall_p99_us: float
    logged_cpu_p50_us: float | None = None  # the same with LOG_LEVEL=INFO JSON logs (written to /dev/null)
    logged_cpu_p99_us: float | None = None


def measure_event_costs(
    events: int = 2000,
    warmup: int = 100,
    store: Store = "memory",
    kinds: tuple[Kind, ...] = KINDS,
    with_logs: bool = True,
) -> list[Cost]:
    costs = []
    for kind in kinds:
        cpu, wall = _timed(kind, events, warmup, store)
        logged: list[float] | None = None
        if with_logs:
            with _production_logs():
                logged, _ = _timed(kind, events, warmup, store)
        costs.append(
            Cost(
                kind.name,
                events,
                _pct(cpu, 0.5),
                _pct(cpu, 0.99),
                _pct(wall, 0.5),
                _pct(wall, 0.99),
                _pct(logged, 0.5) if logged else None,
                _pct(logged, 0.99) if logged else None,
            )
        )
    return costs


def _timed(kind: Kind, events: int, warmup: int, store: Store) -> tuple[list[float], list[float]]:
    """CPU and wall microseconds of `events` handlings, each a fresh event, after `warmup` unmeasured ones."""
    cpu, wall = [], []
    with bench_bridge(store) as bridge:
        app: WebhookApp = bridge.container.webhooks()
        make = kind.events(bridge, seed_ticket(bridge))
        gc.collect()
        for i in range(warmup + events):
            request = make(i)
            c0, w0 = time.process_time_ns(), time.perf_counter_ns()
            response = app.handle(request)
            c1, w1 = time.process_time_ns(), time.perf_counter_ns()
            if _outcome(response) != kind.outcome:
                raise RuntimeError(f"{kind.name}: expected {kind.outcome!r}, got {response.status} {response.body}")
            if i >= warmup:
                cpu.append((c1 - c0) / 1000)
                wall.append((w1 - w0) / 1000)
    return cpu, wall


@contextmanager
def _production_logs() -> Iterator[None]:
    """What `LOG_LEVEL=INFO` costs: the real JSON formatter and secret scrubber, writing to /dev/null."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with open(os.devnull, "w") as sink:
        configure_logging("INFO", redactor=Redactor(v for k, v in TEST_ENV.items() if "SECRET" in k or "TOKEN" in k))
        for handler in root.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)
        try:
            yield
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# outbound calls


@dataclass(frozen=True)
class Calls:
    kind: str
    cold: Counter[str]  # the first event in a new bridge: every cache empty
    warm: Counter[str]  # a second event of the same kind, from the same people

    @staticmethod
    def describe(calls: Counter[str]) -> str:
        if not calls:
            return "0"
        names = ", ".join(f"{name}×{n}" if n > 1 else name for name, n in sorted(calls.items()))
        return f"{sum(calls.values())} ({names})"


def measure_calls() -> list[Calls]:
    found = []
    for kind in KINDS:
        with bench_bridge() as bridge:
            app = bridge.container.webhooks()
            make = kind.events(bridge, seed_ticket(bridge))
            counts = []
            for i in range(2):
                request = make(i)
                bridge.reset_calls()
                response = app.handle(request)
                if _outcome(response) != kind.outcome:
                    raise RuntimeError(f"{kind.name}: expected {kind.outcome!r}, got {response.status} {response.body}")
                counts.append(calls_of(bridge))
        found.append(Calls(kind.name, counts[0], counts[1]))
    return found


def calls_of(bridge: Bridge) -> Counter[str]:
    calls: Counter[str] = Counter()
    calls.update({f"pachca.{name}": n for name, n in bridge.messenger.calls.items() if n})
    calls.update({f"tracker.{name}": n for name, n in bridge.tracker.calls.items() if n})
    if bridge.directory.calls:
        calls["y360.people"] = bridge.directory.calls
    return calls


def _pachca(body: dict[str, object]) -> HttpRequest:
    return webhook_request(*signed(body))


def webhook_request(body: bytes, headers: dict[str, str]) -> HttpRequest:
    return HttpRequest("POST", "/", headers, body)


def _outcome(response: HttpResponse) -> str:
    return str(response.body.get("outcome", f"HTTP {response.status}: {response.body}"))
