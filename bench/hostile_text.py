"""Hostile text: a 100,000-character text of several shapes along every path a text takes (a
Tracker comment to Pachca, a reply to Tracker, a message opening a ticket, an edit of a reply), and a crowd of
mentions, through the real WebhookApp.handle path on the in-memory fakes."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.per_event import TRACKER_AUTHOR, bench_bridge, calls_of, seed_ticket, webhook_request
from bench.webhooks import from_tracker, message_body, reply_body, signed, tracker_comment_body
from domain.tickets import Ticket
from entrypoints.http.webhooks import HttpRequest
from entrypoints.sandbox.in_memory_bridge import REQUESTER, Bridge
from entrypoints.sandbox.simulators.webhooks import SUPPORT_CHAT

LONG = 100_000
LONG_GOAL_MS = 50.0
CROWD = 300
SHAPES: dict[str, Callable[[int], str]] = {
    "prose": lambda n: ("Проверили журнал, ошибка воспроизводится снова. " * (n // 40 + 1))[:n],
    "one word": lambda n: "a" * n,
    "dotted words": lambda n: "a." * (n // 2),
    "open brackets": lambda n: "[" * n,
    "mentions, links, code": lambda n: ("@user_0001 см. http://x.ru/@a `код` [ссылка](u) a@b.ru " * n)[:n],
    "newlines": lambda n: "\n" * n,
    "one handle": lambda n: "@" + "a-" * ((n - 1) // 2),  # `@a-a-a-…`: a lookup by it gets 414
    "lines like the bridge's": lambda n: ("Автор: Директор\n" * n)[:n],
    "entities and tags": lambda n: ("&#35;<b>#</b>" * n)[:n],
}
EDITED_AT = "2026-11-27T08:40:00.000Z"
_MESSAGE_IDS = itertools.count(3_000_001)


@dataclass(frozen=True)
class LongText:
    path: str
    shape: str
    chars: int
    cpu_ms: float  # the median of the runs
    posted_chars: int  # of the message posted into Pachca; 0 where the text goes to Tracker


@dataclass(frozen=True)
class MentionCrowd:
    direction: str
    mentions: int
    people_looked_up: int
    calls: Counter[str]


Send = Callable[[Bridge, Ticket, str], HttpRequest]


def _tracker_comment(bridge: Bridge, ticket: Ticket, text: str) -> HttpRequest:
    key = str(ticket.key)
    bridge.tracker.issues[key].comments.clear()
    return _comment(bridge, key, text)


def _thread_reply(bridge: Bridge, ticket: Ticket, text: str) -> HttpRequest:
    return _reply(bridge, ticket, text, next(_MESSAGE_IDS))  # a new reply each run


def _new_message(bridge: Bridge, ticket: Ticket, text: str) -> HttpRequest:
    now = int(bridge.clock.now())
    return webhook_request(
        *signed(message_body(1_000_001 + len(bridge.tracker.issues), SUPPORT_CHAT, REQUESTER, now, text))
    )


def _edited_reply(bridge: Bridge, ticket: Ticket, text: str) -> HttpRequest:
    """The reply is carried first (not measured); its edit with the long text is."""
    assert ticket.thread is not None
    message_id = next(_MESSAGE_IDS)
    now = int(bridge.clock.now())
    _expect(
        bridge.container.webhooks()
        .handle(webhook_request(*signed(reply_body(ticket.thread, message_id, REQUESTER, now, "x"))))
        .body,
        "commented",
    )
    body = {**reply_body(ticket.thread, message_id, REQUESTER, now, text), "event": "update", "changed_at": EDITED_AT}
    return webhook_request(*signed(body))


PATHS: dict[str, tuple[Send, str]] = {
    "Tracker comment → Pachca": (_tracker_comment, "posted"),
    "Pachca reply → Tracker": (_thread_reply, "commented"),
    "Pachca message → ticket": (_new_message, "created"),
    "Pachca edit → Tracker comment": (_edited_reply, "edited"),
}


def measure_long_texts(chars: int = LONG, runs: int = 5) -> list[LongText]:
    found = []
    for path, (send, outcome) in PATHS.items():
        for shape, make in SHAPES.items():
            with bench_bridge() as bridge:
                ticket = seed_ticket(bridge)
                app, times = bridge.container.webhooks(), []
                for run in range(runs):
                    text = make(chars - 1) + str(run % 10)  # a new text each run: nothing of the last one helps
                    request = send(bridge, ticket, text)
                    started = time.process_time_ns()
                    response = app.handle(request)
                    times.append((time.process_time_ns() - started) / 1e6)
                    _expect(response.body, outcome)
                posted = len(bridge.messenger.posts[-1].text) if outcome == "posted" else 0
                found.append(LongText(path, shape, len(text), sorted(times)[len(times) // 2], posted))
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


def _reply(bridge: Bridge, ticket: Ticket, text: str, message_id: int = 2_000_001) -> HttpRequest:
    assert ticket.thread is not None
    return webhook_request(*signed(reply_body(ticket.thread, message_id, REQUESTER, int(bridge.clock.now()), text)))


def _expect(body: dict[str, object], *outcomes: str) -> None:
    if body.get("outcome") not in outcomes:
        raise RuntimeError(f"expected {' or '.join(outcomes)}, got {body}")
