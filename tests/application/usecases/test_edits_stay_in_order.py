"""Edits and deletions of one reply that arrive together: the newest edit always ends up in Tracker, nothing
overwrites a carried deletion, and the comment keeps naming the reply's recorded author. Run on memory, SQLite and
PostgreSQL, since the version check and the taking of the message are one atomic step in each store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from application.events import MessageDeleted, MessageEdited
from domain.comments import REPLY_DELETED
from domain.tickets import TicketKey
from tests.builders import message, only, reply
from tests.conftest import AGENT, REQUESTER, Bridge, make_bridge
from tests.state.conftest import postgres_url, sqlite_url, state

__all__ = ["postgres_url", "sqlite_url", "state"]  # the stores under test, from the state contract suite

KEY = "SERVICEDESK-1"
REPLY = 194300
OLD = 1_700_000_000.0  # created long before the fake clock's now
OLEG = "**Олег Петров** (Пачка):\n\n"


@pytest.fixture
def replied(state: Any) -> Iterator[Bridge]:
    """A ticket whose thread has one reply by the requester, carried as a comment, on each store."""
    bridge = make_bridge(state=state)
    bridge.deliver(message(56431))
    assert bridge.deliver(reply(bridge.messenger.threads[56431], REPLY, "v0")) == "commented"
    yield bridge


def edit(text: str, minute: int, user_id: int = REQUESTER) -> MessageEdited:
    return MessageEdited(REPLY, 56431, user_id, text, f"2026-11-27T08:{minute:02d}:00.000Z", OLD)


def comment_text(bridge: Bridge) -> str:
    return str(only(bridge.tracker.comments(KEY)).text)


def drained(bridge: Bridge) -> None:
    """Timer runs until nothing waits: what was queued behind another writer is carried."""
    for _ in range(10):
        if bridge.drain()[1] == 0:
            return
    raise AssertionError("the outbox never emptied")


def paused_while_writing(bridge: Bridge, ending: str) -> tuple[threading.Event, threading.Event]:
    """Makes Tracker hold the write of a text with this `ending` until released: (entered, release)."""
    entered, release = threading.Event(), threading.Event()
    original: Callable[[TicketKey, str, str], None] = bridge.tracker.edit_comment

    def edit_comment(key: TicketKey, comment_id: str, text: str) -> None:
        if text.endswith(ending):
            entered.set()
            assert release.wait(10)
        original(key, comment_id, text)

    bridge.tracker.edit_comment = edit_comment  # type: ignore[method-assign]
    return entered, release


def in_background(bridge: Bridge, event: MessageEdited | MessageDeleted) -> tuple[threading.Thread, list[str]]:
    outcomes: list[str] = []
    worker = threading.Thread(target=lambda: outcomes.append(bridge.deliver(event)))
    worker.start()
    return worker, outcomes


def test_a_newer_edit_arriving_while_an_older_one_is_written_ends_up_in_tracker(replied: Bridge) -> None:
    entered, release = paused_while_writing(replied, "v1")
    older, outcomes = in_background(replied, edit("v1", 31))
    assert entered.wait(10)

    assert replied.deliver(edit("v2", 32)) == "queued"  # it waits for the older write, not races it
    release.set()
    older.join()
    drained(replied)

    assert outcomes == ["edited"]
    assert comment_text(replied) == OLEG + "v2"


def test_a_deletion_arriving_while_an_edit_is_written_is_not_undone_by_it(replied: Bridge) -> None:
    entered, release = paused_while_writing(replied, "v1")
    editing, _ = in_background(replied, edit("v1", 31))
    assert entered.wait(10)

    assert replied.deliver(MessageDeleted(REPLY, 56431, REQUESTER, OLD)) == "queued"
    release.set()
    editing.join()
    drained(replied)

    assert comment_text(replied) == OLEG + REPLY_DELETED
    assert replied.deliver(edit("v3", 59)) == "stale"
    assert comment_text(replied) == OLEG + REPLY_DELETED


def test_twenty_concurrent_edits_end_with_the_newest(replied: Bridge) -> None:
    start = threading.Barrier(20)

    def deliver(minute: int) -> None:
        start.wait()
        replied.deliver(edit(f"v{minute}", minute))

    workers = [threading.Thread(target=deliver, args=(minute,)) for minute in range(1, 21)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    drained(replied)

    assert comment_text(replied) == OLEG + "v20"


def test_an_edit_naming_another_user_keeps_the_recorded_author(replied: Bridge) -> None:
    assert replied.deliver(edit("подменённый текст", 31, user_id=AGENT)) == "edited"

    assert comment_text(replied) == OLEG + "подменённый текст"  # still the requester's reply, not the agent's


def test_a_deletion_naming_another_user_keeps_the_recorded_author(replied: Bridge) -> None:
    assert replied.deliver(MessageDeleted(REPLY, 56431, AGENT, OLD)) == "deleted"

    assert comment_text(replied) == OLEG + REPLY_DELETED


def test_a_reply_edited_after_retention_still_edits_its_comment(replied: Bridge) -> None:
    replied.clock.advance(31 * 86_400)
    replied.drain()  # the timer's pass purges what retention no longer keeps

    assert replied.deliver(edit("через месяц", 59)) == "edited"
    assert comment_text(replied) == OLEG + "через месяц"
