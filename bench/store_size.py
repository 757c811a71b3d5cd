"""What the store keeps: the bridge's real use cases on the in-memory fakes and a SQLite file, events arriving at a busy
help desk's pace on a fake clock, the drain pass run as the timer would run it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adapters.state.sqlite import SqliteState
from application.once.retry import RetentionPolicy
from bench.per_event import bench_bridge
from domain.people import Person
from domain.tickets import Ticket
from entrypoints.sandbox.in_memory import FakeClock
from entrypoints.sandbox.in_memory_bridge import Bridge, message, reply, tracker_comment

EVENTS_PER_DAY = 3000
DRAIN_EVERY = 100  # events between drain passes: a pass every 48 minutes at this pace (the timer runs more often)
TEXT = "Не работает вход в 1С: после обновления пишет «нет лицензии», перезапуск не помогает. " * 4  # ~0.6 KB
AUTHOR = Person("1130000012345678", "Анна Смирнова", "asmirnova", "asmirnova@example.com")


@dataclass(frozen=True)
class Kept:
    label: str
    events: int  # events delivered
    bytes: int  # pages in use
    file_bytes: int
    rows: int  # events kept
    payload_bytes: int


class KeepingEverything(SqliteState):
    """The store as it was before retention: a finished event keeps its payload and nothing is ever deleted."""

    def complete(self, key: str, outcome: str) -> None:
        self._update_event(
            "UPDATE events SET state = 'done', outcome = %s, lease_until = 0 WHERE key = %s", outcome, key
        )

    def purge(self, keys_before: float, now: float, limit: int) -> int:
        return 0


def measure_store_size(events: int = 10_000) -> list[Kept]:
    return [
        _run("without purge (as before)", events, None, KeepingEverything),
        _run("with purge, RETENTION_DAYS=30", events, 30, SqliteState),
        _run("with purge, RETENTION_DAYS=1", events, 1, SqliteState),
    ]


def _run(label: str, events: int, days: int | None, store: type[SqliteState]) -> Kept:
    with bench_bridge("sqlite") as bridge:
        state = bridge.container.outside.state()
        assert isinstance(state, SqliteState)
        replaced = store(state.path)
        bridge.container.outside.state.override(replaced)
        retention = None if days is None else (replaced, RetentionPolicy.of(days, 360))
        bridge.container.inbox.add_kwargs(retention=retention)
        _deliver(bridge, events)
        kept = replaced.footprint()
        file_bytes = Path(replaced.path).stat().st_size
        replaced.close()
        return Kept(label, events, kept.bytes, file_bytes, kept.events, kept.payload_bytes)


def _deliver(bridge: Bridge, events: int) -> None:
    """Conversations of four events: a message that opens a ticket, two replies, one Tracker comment."""
    clock: FakeClock = bridge.clock
    step = 86400 / EVENTS_PER_DAY
    for n in range(events):
        conversation, turn = divmod(n, 4)
        message_id = 5_000_000 + conversation
        if turn == 0:
            bridge.deliver(message(message_id, TEXT))
        elif turn in (1, 2):
            ticket = _ticket(bridge, message_id)
            assert ticket.thread is not None
            bridge.deliver(reply(ticket.thread, 6_000_000 + 2 * conversation + turn, TEXT))
        else:
            key = str(_ticket(bridge, message_id).key)
            comment_id = bridge.tracker.human_comment(key, AUTHOR, TEXT)
            bridge.deliver(tracker_comment(key, comment_id))
        clock.advance(step)
        if n % DRAIN_EVERY == DRAIN_EVERY - 1:
            bridge.drain()
    bridge.drain()


def _ticket(bridge: Bridge, message_id: int) -> Ticket:
    ticket: Ticket | None = bridge.container.outside.state().ticket_by_message(message_id)
    assert ticket is not None, f"message {message_id} opened no ticket"
    return ticket
