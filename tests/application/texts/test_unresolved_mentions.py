"""A mention the bridge did not resolve notifies nobody, and a handle that cannot be
looked up stays as written while the text goes.

Pachca notifies whoever a written `@nickname` names, so toward Pachca an unresolved mention is quieted; toward
Tracker only `summonees` notify, so there the text stays exactly as typed and only resolved people are summoned."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

import index
from application.tracker_events import TrackerCommentAdded
from domain.people import Person
from domain.text.mentions import MentionResolver, Side
from domain.text.pachca_text import QUIET
from domain.tickets import ThreadRef
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.people import IVAN, OLEG
from entrypoints.sandbox.simulators.webhooks import (
    from_pachca,
    from_tracker,
    message_webhook,
    thread_webhook,
    tracker_comment_trigger,
)
from entrypoints.sandbox.simulators.world import World
from ports.errors import PermanentFailure, TransientFailure
from tests.builders import message, reply
from tests.conftest import PACHCA_SECRET, TRACKER_SECRET, Bridge, make_bridge
from tests.entrypoints.conftest import Context, bridge_env, http_event

ENGINEER = Person("1130000007986051", "Мария Соколова", "msokolova", "msokolova@example.com")
# what Pachca reads as a mention: `@` not glued to a word, then a nickname (a QUIET after the `@` breaks it)
PACHCA_MENTION = re.compile(r"(?<![\w.\-])@([A-Za-z0-9][\w.\-]*)")
LIMIT = 3
CROWD = 8
HUGE_HANDLE = "@" + "a-" * 50_000 + "a"  # 100,001 characters: a URL with it is refused with 414


def nicknames(n: int) -> list[str]:
    return [f"user_{i:02d}" for i in range(n)]


def crowded(limit: int = LIMIT) -> Bridge:
    """People known on both sides, more of them than MAX_MENTIONS."""
    bridge = make_bridge({"MAX_MENTIONS": str(limit)})
    for i, nick in enumerate(nicknames(CROWD)):
        email = f"{nick}@example.com"
        bridge.messenger.add_user(10_000 + i, f"Сотрудник {i}", nick, email)
        bridge.tracker.users[nick] = Person(f"11300000000{i:05d}", f"Сотрудник {i}", nick, email)
    bridge.deliver(message(56431))
    return bridge


def relayed(bridge: Bridge, text: str) -> str:
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, text)
    assert bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id)) == "posted"
    return bridge.messenger.thread_posts(bridge.messenger.threads[56431].thread_id)[-1].text


def test_mentions_past_max_mentions_notify_nobody_in_pachca() -> None:
    bridge = crowded()
    text = "Коллеги: " + " ".join(f"@{nick}" for nick in nicknames(CROWD))

    posted = relayed(bridge, text)

    assert PACHCA_MENTION.findall(posted) == nicknames(LIMIT)  # only the people the bridge resolved
    assert posted.replace(QUIET, "").endswith(text)  # people read what was typed


def test_a_login_that_maps_to_nobody_notifies_nobody_in_pachca(bridge: Bridge) -> None:
    bridge.deliver(message(56431))

    posted = relayed(bridge, "Спросите @ghost_login, он знает")

    assert PACHCA_MENTION.findall(posted) == []
    assert posted.endswith(f"Спросите @{QUIET}ghost_login, он знает")


def test_mentions_past_max_mentions_are_never_summoned_in_tracker() -> None:
    bridge = crowded()
    text = "Коллеги: " + " ".join(f"@{nick}" for nick in nicknames(CROWD))

    bridge.deliver(reply(bridge.messenger.threads[56431], text=text))

    assert bridge.tracker.last_summonees == nicknames(LIMIT)
    assert bridge.tracker.comments("SERVICEDESK-1")[-1].text.endswith(text)  # as typed: text notifies nobody there


def test_a_handle_longer_than_anyones_is_not_looked_up_and_stays_as_written() -> None:
    handles = MentionResolver.handles(f"Привет {HUGE_HANDLE} и @ivan", Side.TRACKER)

    assert handles == ["ivan"]


def test_a_handle_a_lookup_refuses_stays_as_written_and_the_text_goes(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.messenger.faults.add("search_users", PermanentFailure("pachca: 400 on GET /users: query too long", 400))

    posted = relayed(bridge, "Спросите @some.body, пожалуйста")

    assert posted.endswith(f"Спросите @{QUIET}some.body, пожалуйста")
    assert bridge.state.stats().dead == 0


def test_an_expired_token_met_in_a_lookup_still_holds_the_event_back(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.messenger.faults.add("search_users", PermanentFailure("pachca: 401 on GET /users", 401))
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Спросите @somebody")

    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))

    assert [p.text for p in bridge.messenger.posts if "Спросите" in p.text] == []  # nothing posted as if resolved


@pytest.fixture
def world(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with World().served() as world:
        for name, value in bridge_env(world, f"sqlite:///{tmp_path}/state.db").items():
            monkeypatch.setenv(name, value)
        function.reset()
        yield world
    function.reset()


def invoke(body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = index.handler(http_event("POST", body, headers), Context())
    return result["statusCode"], json.loads(result["body"])


@pytest.mark.parametrize("direction", ["Tracker comment", "Pachca reply"])
def test_a_100k_character_handle_through_the_function_carries_the_text(
    world: World, direction: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert invoke(*from_pachca(message_webhook(timestamp=int(time.time())), PACHCA_SECRET))[0] == 200
    [key] = world.issues
    text = f"Смотрите {HUGE_HANDLE} — вот"
    if direction == "Tracker comment":
        comment_id = world.comment_as(IVAN, key, text)
        body, headers = from_tracker(tracker_comment_trigger(key, comment_id), TRACKER_SECRET)
    else:
        thread = world.thread_of_issue(key)
        ref = ThreadRef(thread.id, thread.chat_id, thread.message_id, thread.root_chat_id)
        webhook = thread_webhook(ref, 194300, text, OLEG.pachca_id, int(time.time()))
        body, headers = from_pachca(webhook, PACHCA_SECRET)

    status, answer = invoke(body, headers)

    assert (status, answer["ok"]) == (200, True)
    if direction == "Tracker comment":
        posted = [p.content for p in world.posts_in(world.thread_of_issue(key)) if p.content.startswith("Добавлен")]
        assert len(posted) == 1 and PACHCA_MENTION.findall(posted[0]) == []
    else:
        assert [c.text for c in world.comments_on(key) if HUGE_HANDLE in c.text]
    log_lines = capsys.readouterr().out.splitlines()  # the function's JSON log lines
    assert log_lines and max(len(line) for line in log_lines) < 4096


@pytest.mark.parametrize(
    ("fault", "queued"),
    [
        (PermanentFailure("tracker: 400 on POST /v2/issues/SERVICEDESK-1/comments: " + "x" * 100_000, 400), False),
        (TransientFailure("tracker: 503 on " + "y" * 100_000), True),
    ],
    ids=["dead", "queued"],
)
def test_an_error_kept_in_the_outbox_or_logged_is_bounded(
    bridge: Bridge, fault: Exception, queued: bool, caplog: pytest.LogCaptureFixture
) -> None:
    bridge.deliver(message(56431))
    bridge.tracker.faults.add("add_comment", fault)

    bridge.deliver(reply(bridge.messenger.threads[56431]))

    if not queued:
        stored = [entry.last_error for entry in bridge.state.dead()]
        assert stored and all(error is not None and 0 < len(error) <= 500 for error in stored)
    assert [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert max(len(str(record.__dict__)) for record in caplog.records) < 4096
