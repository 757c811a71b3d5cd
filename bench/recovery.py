"""Recovery and poll mode on the simulators (issue 19): an outage's backlog carried by drain passes, the delay of
each direction in poll mode, and the API calls poll mode makes in an idle minute.

The bridge is built as `serve` builds it (real HTTP adapters, SQLite store in a temporary directory) against the
simulated world, whose Pachca limits message writes per chat and event-history reads per token as Pachca does."""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from domain.tickets import unique_for_message
from entrypoints.composition.bootstrap import build_container
from entrypoints.composition.container import Container
from entrypoints.sandbox.simulators.pachca.ratelimit import SlidingWindow
from entrypoints.sandbox.simulators.people import IVAN, OLEG, QUEUE
from entrypoints.sandbox.simulators.webhooks import message_webhook
from entrypoints.sandbox.simulators.world import World

CHATS = [918264 + n for n in range(10)]
ENV = {
    "PACHCA_API_TOKEN": "bench-pachca-token",
    "WEBHOOK_SECRET": "bench-signing-secret",
    "TRACKER_API_TOKEN": "bench-tracker-token",
    "TRACKER_ORG_ID": "7654321",
    "TRACKER_WEBHOOK_SECRET": "bench-tracker-secret",
    "TRACKER_QUEUE": QUEUE,
    "LOG_LEVEL": "ERROR",
}
POLL_SECONDS = 3.0  # the default


@dataclass(frozen=True)
class Outage:
    messages: int
    comments: int
    seconds: float  # from the first pass after recovery until everything is carried
    passes: int
    lost: int
    doubled: int


@dataclass(frozen=True)
class Delays:
    to_tracker: list[float]  # seconds from a message in Pachca to its issue in Tracker
    to_pachca: list[float]  # seconds from a comment in Tracker to its post in the thread
    lost: int


@dataclass(frozen=True)
class Idle:
    seconds: float
    history_reads: int
    tracker_searches: int


@dataclass(frozen=True)
class RecoveryResults:
    outage: Outage
    delays: Delays
    idle: Idle


def measure_recovery(messages: int = 200, comments: int = 50, samples: int = 12, idle: float = 60.0) -> RecoveryResults:
    return RecoveryResults(measure_outage(messages, comments), measure_poll_delays(samples), measure_idle(idle))


@contextmanager
def _bridge(world: World, **env: str) -> Iterator[Container]:
    with tempfile.TemporaryDirectory(prefix="bench-recovery-") as folder:
        url = f"sqlite:///{Path(folder) / 'state.db'}"
        yield build_container({**ENV, **world.env(), "STATE_URL": url, **env}, url)


def _say(world: World, message_id_box: list[int], chat: int, text: str) -> int:
    """A person writes a top-level message: Pachca keeps its event in the bot's history."""
    post = world.pachca.say(OLEG.pachca_id, chat, text)
    url = f"https://app.pachca.com/chats/{chat}?message={post.id}"
    world.pachca.history.record(message_webhook(post.id, text, OLEG.pachca_id, chat, int(time.time()), url=url))
    message_id_box.append(post.id)
    return post.id


def _posted(world: World, key: str, text: str) -> bool:
    thread = world.thread_of_issue(key)
    return any(text in post.content for post in world.posts_in(thread))


def measure_outage(messages: int, comments: int) -> Outage:
    """Tickets opened while the bridge was up; then, while it was down, `messages` new messages and `comments`
    Tracker comments on those tickets; then drain passes (as the timer runs them) until all are carried."""
    world = World(limit=SlidingWindow())
    with world.served(), _bridge(world) as bridge:
        drain = bridge.drain_pass()
        ids: list[int] = []
        tickets = max(1, min(10, comments))
        for n in range(tickets):
            _say(world, ids, CHATS[n % len(CHATS)], f"Заявка до сбоя {n}")
        drain.run()
        keys = [world.issue_of(message_id).key for message_id in ids]
        for n in range(messages):  # the outage
            _say(world, ids, CHATS[n % len(CHATS)], f"Во время сбоя {n}")
        texts = [f"Комментарий во время сбоя {n}" for n in range(comments)]
        for n, text in enumerate(texts):
            world.comment_as(IVAN, keys[n % len(keys)], text)

        def carried() -> tuple[int, int]:
            issues = sum(1 for message_id in ids if message_id in world.threads)
            relayed = sum(_posted(world, keys[n % len(keys)], text) for n, text in enumerate(texts))
            return issues, relayed

        started, passes = time.perf_counter(), 0
        while carried() != (len(ids), len(texts)) and passes < 50:
            drain.run()
            passes += 1
        seconds = time.perf_counter() - started
        issues, relayed = carried()
        return Outage(messages, comments, seconds, passes, len(ids) - issues + len(texts) - relayed, _doubled(world))


def _doubled(world: World) -> int:
    return sum(int(line.rsplit("x", 1)[1]) - 1 for line in world.duplicates())


@contextmanager
def _polling(world: World) -> Iterator[Container]:
    with _bridge(world, DELIVERY="poll", POLL_SECONDS=str(POLL_SECONDS)) as bridge:
        stop = threading.Event()
        thread = bridge.poller().start(stop)
        try:
            yield bridge
        finally:
            stop.set()
            thread.join(timeout=30)


def measure_poll_delays(samples: int) -> Delays:
    """Messages and comments at random moments over a few search intervals; each one's delay is taken when the
    world first shows it carried (checked every 20 ms)."""
    world = World(limit=SlidingWindow())
    rng = random.Random(19)
    with world.served(), _polling(world):
        ids: list[int] = []
        _say(world, ids, CHATS[0], "Заявка для комментариев")
        _wait(lambda: ids[0] in world.threads and bool(world.posts_in(world.thread_of(ids[0]))), 30)
        key = world.issue_of(ids[0]).key
        span = min(max(10.0, 3 * POLL_SECONDS) * 3, 3.0 * samples)  # three search intervals at full size
        plan = sorted([(rng.uniform(0, span), "message", n) for n in range(samples)])
        plan += [(rng.uniform(0, span), "comment", n) for n in range(samples)]
        plan.sort()
        sent: dict[tuple[str, int], float] = {}
        arrived: dict[tuple[str, int], float] = {}
        message_ids: dict[int, int] = {}
        start = time.monotonic()
        deadline = start + span + 30
        pending = list(plan)
        while time.monotonic() < deadline and len(arrived) < len(plan):
            now = time.monotonic()
            while pending and pending[0][0] <= now - start:
                _, kind, n = pending.pop(0)
                if kind == "message":
                    message_ids[n] = _say(world, ids, CHATS[1 + n % (len(CHATS) - 1)], f"Задержка {n}")
                else:
                    world.comment_as(IVAN, key, f"Ответ с задержкой {n}")
                sent[(kind, n)] = time.monotonic()
            for item, at in sent.items():
                if item in arrived:
                    continue
                kind, n = item
                done = (
                    any(issue.unique == unique_for_message(message_ids[n]) for issue in list(world.issues.values()))
                    if kind == "message"
                    else _posted(world, key, f"Ответ с задержкой {n}")
                )
                if done:
                    arrived[item] = time.monotonic() - at
            time.sleep(0.02)
        to_tracker = [s for (kind, _), s in arrived.items() if kind == "message"]
        to_pachca = [s for (kind, _), s in arrived.items() if kind == "comment"]
        return Delays(sorted(to_tracker), sorted(to_pachca), len(plan) - len(arrived))


def measure_idle(seconds: float) -> Idle:
    """Poll mode with nothing happening: the history reads and Tracker searches it makes in `seconds`."""
    world = World()
    with world.served(), _polling(world):
        time.sleep(2.0)  # the first turn (and the schema's first reads) before the count starts
        reads, searches = world.pachca.history.reads, world.tracker.searches
        time.sleep(seconds)
        return Idle(seconds, world.pachca.history.reads - reads, world.tracker.searches - searches)


def _wait(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def recovery_rows(results: RecoveryResults) -> list[tuple[str, str, str, str]]:
    outage, delays, idle = results.outage, results.delays, results.idle
    per_minute = 60.0 / idle.seconds
    reads, searches = idle.history_reads * per_minute, idle.tracker_searches * per_minute
    to_tracker_goal, to_pachca_goal = POLL_SECONDS + 1, 12.0
    return [
        (
            f"Recovery after an outage: {outage.messages} messages and {outage.comments} Tracker comments",
            f"all carried **{outage.seconds:.1f} s** after the bridge came back ({outage.passes} drain passes); "
            f"lost {outage.lost}, doubled {outage.doubled}",
            "0 lost, 0 doubled",
            _verdict(outage.lost == 0 and outage.doubled == 0),
        ),
        (
            f"Poll mode delay, Pachca → Tracker ({len(delays.to_tracker)} messages, POLL_SECONDS={POLL_SECONDS:g})",
            f"median **{median(delays.to_tracker):.1f} s**, p95 {p95(delays.to_tracker):.1f} s",
            f"≤ {to_tracker_goal:g} s",
            _verdict(bool(delays.to_tracker) and p95(delays.to_tracker) <= to_tracker_goal and delays.lost == 0),
        ),
        (
            f"Poll mode delay, Tracker → Pachca ({len(delays.to_pachca)} comments)",
            f"median **{median(delays.to_pachca):.1f} s**, p95 {p95(delays.to_pachca):.1f} s",
            f"≤ {to_pachca_goal:g} s",
            _verdict(bool(delays.to_pachca) and p95(delays.to_pachca) <= to_pachca_goal and delays.lost == 0),
        ),
        (
            "Poll mode: API calls in an idle minute",
            f"**{reads:.0f}** event-history reads, **{searches:.0f}** Tracker searches "
            f"(counted over {idle.seconds:.0f} s)",
            "≤ 40 reads, ≤ 6 searches",
            _verdict(reads <= 40 and searches <= 6),
        ),
    ]


RECOVERY_NOTE = (
    "- Recovery and poll mode (`bench/recovery.py`): the bridge as `serve` builds it (real HTTP adapters, SQLite) "
    "against the simulators; Pachca keeps every event in the bot's history (pages of 50, 5 reads per 2 s) and limits "
    "message writes per chat. Outage: tickets opened first, then the messages kept only in the history and the "
    "comments written in Tracker with no trigger delivered; the time runs from the first drain pass after recovery "
    "until the world shows every one carried. Delays: messages and comments at random moments over three Tracker "
    "search intervals, each timed until the world shows it carried. Idle: the calls counted at the simulators."
)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"
