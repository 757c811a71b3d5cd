"""A text with hundreds of distinct mentions costs at most MAX_MENTIONS lookups; the rest stay as written."""

from __future__ import annotations

from application.tracker_events import TrackerCommentAdded
from domain.text.mentions import MentionResolver, Side
from domain.text.pachca_text import QUIET
from tests.builders import message, reply
from tests.conftest import Bridge, make_bridge
from tests.people import ENGINEER

CROWD = 300


def crowd_text() -> str:
    return "Всем: " + " ".join(f"@user_{n:04d}" for n in range(CROWD))


def lookups(bridge: Bridge) -> int:
    return (
        bridge.messenger.calls["search_users"]
        + bridge.messenger.calls["get_user"]
        + bridge.tracker.calls["get_user"]
        + bridge.directory.calls
    )


def opened(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.reset_calls()


def test_the_handles_to_look_up_stop_at_the_limit_in_order_of_appearance() -> None:
    handles = MentionResolver.handles(crowd_text(), Side.TRACKER, limit=20)

    assert handles == [f"user_{n:04d}" for n in range(20)]


def test_300_logins_in_a_tracker_comment_make_at_most_max_mentions_lookups() -> None:
    bridge = make_bridge()
    for n in range(CROWD):
        bridge.messenger.add_user(10_000 + n, f"Сотрудник {n}", f"user_{n:04d}")
    opened(bridge)

    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, crowd_text())
    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))

    posted = bridge.messenger.thread_posts(bridge.messenger.threads[56431].thread_id)[-1].text
    assert lookups(bridge) <= 2 * 20 + 1  # per person Tracker's record and Pachca's search; the directory once
    assert f"@{QUIET}user_0020 " in posted and f"@{QUIET}user_0299" in posted  # past the limit: as written, quiet
    assert len(bridge.state._cache) <= 2 * 20 + 5


def test_the_limit_follows_max_mentions() -> None:
    bridge = make_bridge({"MAX_MENTIONS": "3"})
    opened(bridge)

    bridge.deliver(reply(bridge.messenger.threads[56431], text=crowd_text()))

    assert bridge.messenger.calls["search_users"] == 3
    assert bridge.tracker.comments("SERVICEDESK-1")[-1].text.endswith("@user_0299")


def test_300_nicknames_in_a_reply_make_at_most_max_mentions_lookups(bridge: Bridge) -> None:
    opened(bridge)

    bridge.deliver(reply(bridge.messenger.threads[56431], text=crowd_text()))

    assert bridge.messenger.calls["search_users"] <= 20
    assert lookups(bridge) <= 2 * 20
    assert bridge.tracker.comments("SERVICEDESK-1")[-1].text.endswith("@user_0299")
