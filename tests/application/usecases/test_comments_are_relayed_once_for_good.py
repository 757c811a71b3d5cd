"""A Tracker comment carried into Pachca is never carried again, whatever the retention: Tracker's trigger bodies
carry no time, so no replay window stops a redelivery once the event's own record is purged. Run on memory, SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from application.tracker_events import TrackerCommentAdded
from tests.builders import message
from tests.conftest import Bridge, make_bridge
from tests.people import ENGINEER
from tests.state.conftest import postgres_url, sqlite_url, state

__all__ = ["postgres_url", "sqlite_url", "state"]  # the stores under test, from the state contract suite

KEY = "SERVICEDESK-1"
DAY = 86_400.0


@pytest.fixture(params=["0", "30"])
def opened(state: Any, request: pytest.FixtureRequest) -> Iterator[Bridge]:
    """A ticket on each store, with RETENTION_DAYS=0 and with the default."""
    bridge = make_bridge({"RETENTION_DAYS": request.param}, state=state)
    bridge.deliver(message(56431))
    yield bridge


def relayed(bridge: Bridge) -> list[str]:
    thread = bridge.messenger.threads[56431].thread_id
    return [p.text for p in bridge.messenger.thread_posts(thread) if "Проверю сегодня" in p.text]


def test_a_comment_trigger_delivered_again_after_retention_posts_nothing(opened: Bridge) -> None:
    comment = TrackerCommentAdded(KEY, opened.tracker.human_comment(KEY, ENGINEER, "Проверю сегодня"))
    assert opened.deliver(comment) == "posted"

    opened.clock.advance(31 * DAY)  # past any retention
    opened.drain()  # the timer's pass purges what retention no longer keeps: the event's own record too
    opened.reset_calls()

    assert opened.deliver(comment) == "duplicate"
    assert len(relayed(opened)) == 1
    assert opened.messenger.calls["upload"] + opened.messenger.calls["post_to_thread"] == 0
