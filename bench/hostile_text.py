"""Hostile text (issue 9): a 100,000-character Tracker comment of several shapes, and a crowd of mentions, through
the real WebhookApp.handle path on the in-memory fakes (entrypoints/sandbox/in_memory.py)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.per_event import TRACKER_AUTHOR, bench_bridge, calls_of, seed_ticket, webhook_request
from bench.webhooks import from_tracker, reply_body, signed, tracker_comment_body
from domain.tickets import Ticket
from entrypoints.http.exchange import HttpRequest
from entrypoints.sandbox.in_memory_bridge import REQUESTER, Bridge

LONG = 100_000
LONG_GOAL_MS = 50.0
CROWD = 300
SHAPES: dict[str, Callable[[int], str]] = {
    "prose": lambda n: ("Проверили журнал, ошибка воспроизводится снова. " * (n // 40 + 1))[:n],
    "one word": lambda n: "a" * n,
    "dotted words": lambda n: "a." * (n // 2),
    "open brackets": lambda n: "[" * n,
    "mentions, links, code": lambda n: ("@user_0001 см. http://x.ru/@a `код` [ссылка](u) a@b.ru " * n)[:n],
}


@dataclass(frozen=True)
class LongComment:
    shape: str
    chars: int
    cpu_ms: float  # the median of the runs
    posted_chars: int


@dataclass(frozen=True)
class MentionCrowd:
    direction: str
    mentions: int
    people_looked_up: int
    calls: Counter[str]


def measure_long_comments(chars: int = LONG, runs: int = 5) -> list[LongComment]:
    found = []
    for shape, make in SHAPES.items():
        text = make(chars)
        with bench_bridge() as bridge:
            key = str(seed_ticket(bridge).key)
            app, times = bridge.container.webhooks(), []
            for _ in range(runs):
                bridge.tracker.issues[key].comments.clear()
                comment_id = bridge.tracker.human_comment(key, TRACKER_AUTHOR, text)
                request = webhook_request(*from_tracker(tracker_comment_body(key, comment_id)))
                started = time.process_time_ns()
                response = app.handle(request)
                times.append((time.process_time_ns() - started) / 1e6)
                _expect(response.body, "posted")
            found.append(
                LongComment(shape, len(text), sorted(times)[len(times) // 2], len(bridge.messenger.posts[-1].text))
            )
    return found


def measure_mention_crowds(mentions: int = CROWD) -> list[MentionCrowd]:
    text = "Коллеги: " + " ".join(f"@user_{n:04d}" for n in range(mentions))
    found = []
    for direction in ("Tracker comment → Pachca", "Pachca reply → Tracker"):
        with bench_bridge() as bridge:
            for n in range(mentions):
                bridge.messenger.add_user(10_000 + n, f"Сотрудник {n}", f"user_{n:04d}", f"user{n}@example.com")
            ticket = seed_ticket(bridge)
            request = (
                _comment(bridge, str(ticket.key), text)
                if direction.startswith("Tracker")
                else _reply(bridge, ticket, text)
            )
            bridge.reset_calls()
            _expect(bridge.container.webhooks().handle(request).body, "posted", "commented")
            calls = calls_of(bridge)
            found.append(MentionCrowd(direction, mentions, bridge.messenger.calls["search_users"], calls))
    return found


def _comment(bridge: Bridge, key: str, text: str) -> HttpRequest:
    comment_id = bridge.tracker.human_comment(key, TRACKER_AUTHOR, text)
    return webhook_request(*from_tracker(tracker_comment_body(key, comment_id)))


def _reply(bridge: Bridge, ticket: Ticket, text: str) -> HttpRequest:
    assert ticket.thread is not None
    return webhook_request(*signed(reply_body(ticket.thread, 2_000_001, REQUESTER, int(bridge.clock.now()), text)))


def _expect(body: dict[str, object], *outcomes: str) -> None:
    if body.get("outcome") not in outcomes:
        raise RuntimeError(f"expected {' or '.join(outcomes)}, got {body}")
