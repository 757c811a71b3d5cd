"""Faults over real HTTP (see docs/interface.md): whatever Pachca, Tracker or Yandex 360 do, after the client's
retries and at most one drain every effect exists exactly once.

Every delivery goes through `index.handler` with 3 s left in the invocation, so the client's timeouts shrink to fit it
and a stalled answer times out fast. The faults end before the one drain (the outbox's first retry is due at once).
"""

from __future__ import annotations

import pytest

from tests.faults.conftest import deliver, drain, new_message, thread_reply, tracker_comment
from tests.faults.world import (
    COMMENT_ADD,
    COMMENT_LIST,
    DIRECTORY,
    ISSUE_CREATE,
    IVAN,
    MESSAGE_LIST,
    MESSAGE_POST,
    OLEG,
    THREAD_OPEN,
    World,
)

pytestmark = pytest.mark.usefixtures("bridge_env")

MESSAGE = 56431
STALL = 10.0  # longer than any client timeout here: the answer is only let go when the test ends
QUEUED = (202, {"ok": True, "outcome": "queued"})
CREATED = (200, {"ok": True, "outcome": "created"})


def drained(done: int) -> tuple[int, dict[str, object]]:
    return 200, {"ok": True, "outcome": "drained", "done": done, "left": 0}


def open_ticket(world: World) -> str:
    """A ticket opened with no fault: its issue key."""
    assert (reply := deliver(new_message(MESSAGE))).status == 200, reply
    return world.issue_of(MESSAGE).key


# Tracker: issue creation


def test_tracker_500_on_create_even_after_committing_leaves_one_issue(world: World) -> None:
    world.inject(ISSUE_CREATE, 500, commit=True)  # the issue is made, the answer is an error
    world.inject(ISSUE_CREATE, 500, times=None)

    reply = deliver(new_message(MESSAGE))
    world.heal()
    after = drain()

    assert (reply.status, reply.body) == QUEUED
    assert (after.status, after.body) == drained(1)
    assert world.faults_injected == 3  # every attempt of the delivery
    assert world.received(ISSUE_CREATE) == 4  # the drain's create met 409 and found the issue by `unique`
    world.assert_one_ticket_each([MESSAGE])


def test_tracker_503_on_create_is_retried_within_the_invocation(world: World) -> None:
    world.inject(ISSUE_CREATE, 503, times=2)

    reply = deliver(new_message(MESSAGE))
    after = drain()

    assert (reply.status, reply.body) == CREATED
    assert (after.status, after.body) == drained(0)
    assert world.faults_injected == 2
    assert world.received(ISSUE_CREATE) == 3
    world.assert_one_ticket_each([MESSAGE])


def test_a_timeout_on_create_whose_issue_was_made_leaves_one_issue(world: World) -> None:
    world.inject(ISSUE_CREATE, delay=STALL, commit=True)

    reply = deliver(new_message(MESSAGE))
    world.heal()
    after = drain()

    assert (reply.status, reply.body) == QUEUED  # no time left in the invocation to try again
    assert (after.status, after.body) == drained(1)
    assert world.faults_injected == 1
    world.assert_one_ticket_each([MESSAGE])


# Pachca: posting the card


def test_pachca_429_on_post_is_retried_after_retry_after(world: World) -> None:
    world.inject(MESSAGE_POST, 429, retry_after=1)

    reply = deliver(new_message(MESSAGE))
    after = drain()

    assert (reply.status, reply.body) == CREATED
    assert (after.status, after.body) == drained(0)
    first, second = world.arrival_times(MESSAGE_POST)
    assert second - first >= 1.0
    assert world.faults_injected == 1
    world.assert_one_ticket_each([MESSAGE])


def test_pachca_502_on_post_that_posted_nothing_posts_once_in_the_drain(world: World) -> None:
    world.inject(MESSAGE_POST, 502)

    reply = deliver(new_message(MESSAGE))
    after = drain()

    assert (reply.status, reply.body) == QUEUED  # not repeated blindly: the thread was looked at, and had no card
    assert (after.status, after.body) == drained(1)
    assert world.received(MESSAGE_POST) == 2
    assert world.received(MESSAGE_LIST) == 2  # looked for before each send after the unknown outcome
    assert world.faults_injected == 1
    world.assert_one_ticket_each([MESSAGE])


def test_pachca_502_on_post_that_did_post_is_found_not_repeated(world: World) -> None:
    world.inject(MESSAGE_POST, 502, commit=True)

    reply = deliver(new_message(MESSAGE))
    after = drain()

    assert (reply.status, reply.body) == CREATED
    assert (after.status, after.body) == drained(0)
    assert world.received(MESSAGE_POST) == 1
    assert world.faults_injected == 1
    world.assert_one_ticket_each([MESSAGE])


def test_a_timeout_on_post_that_did_post_is_not_repeated(world: World) -> None:
    world.inject(MESSAGE_POST, delay=STALL, commit=True)

    reply = deliver(new_message(MESSAGE))
    world.heal()
    after = drain()

    assert reply.status in (200, 202)  # found at once if the look-up fits in what is left, else in the drain
    assert after.status == 200 and after.body["left"] == 0
    assert world.received(MESSAGE_POST) == 1
    assert world.faults_injected == 1
    world.assert_one_ticket_each([MESSAGE])


# Tracker: a thread reply becomes a comment


@pytest.mark.parametrize("commit", [False, True], ids=["nothing-written", "written"])
def test_tracker_500_on_comment_leaves_one_comment(world: World, commit: bool) -> None:
    key = open_ticket(world)
    world.inject(COMMENT_ADD, 500, commit=commit)

    reply = deliver(thread_reply(56500, world.thread_of(MESSAGE), "Спасибо, жду"))
    after = drain()

    if commit:
        assert (reply.status, reply.body["outcome"]) == (200, "commented")
        assert (after.status, after.body) == drained(0)
    else:
        assert (reply.status, reply.body) == QUEUED
        assert (after.status, after.body) == drained(1)
    [comment] = world.comments_on(key)
    assert comment.text == "**Олег Петров** (Пачка):\n\nСпасибо, жду"
    assert world.received(COMMENT_ADD) == (1 if commit else 2)
    assert world.received(COMMENT_LIST) >= 1  # looked for before any second write
    assert world.faults_injected == 1
    assert world.duplicates() == []


# Yandex 360: the directory fails while a Tracker comment mentions someone


@pytest.mark.parametrize(
    ("status", "tries"),
    [
        pytest.param(503, 3, id="503-down"),
        pytest.param(403, 1, id="403-token-expired"),
    ],
)
def test_the_directory_failing_still_relays_a_mention_once(world: World, status: int, tries: int) -> None:
    key = open_ticket(world)
    comment_id = world.comment_as(IVAN, key, f"@{OLEG.login}, проверьте вход, пожалуйста")
    world.inject(DIRECTORY, status, times=None)

    reply = deliver(tracker_comment(key, comment_id))
    world.heal()
    after = drain()

    relayed = [post.content for post in world.posts_in(world.thread_of(MESSAGE)) if "комментарий" in post.content]
    assert relayed == ["Добавлен комментарий:\nАвтор: Иван Иванов\n@olegpetrov, проверьте вход, пожалуйста"]
    assert (reply.status, reply.body["outcome"]) == (200, "posted")  # Tracker's user record gave the e-mail
    assert (after.status, after.body) == drained(0)
    assert world.faults_injected == world.received(DIRECTORY) == tries
    assert world.duplicates() == []


def test_a_ticket_opened_under_faults_everywhere_still_ends_up_once(world: World) -> None:
    world.inject(THREAD_OPEN, 503)
    world.inject(ISSUE_CREATE, 500, commit=True)
    world.inject(ISSUE_CREATE, 503, times=None)

    reply = deliver(new_message(MESSAGE))
    world.heal()
    world.inject(MESSAGE_POST, 502, commit=True)
    after = drain()

    assert (reply.status, reply.body) == QUEUED
    assert (after.status, after.body) == drained(1)
    assert world.faults_injected == 5
    world.assert_one_ticket_each([MESSAGE])


# Bugs the world found, kept as regression tests.


def test_tracker_500_after_commenting_on_a_long_issue_leaves_one_comment(world: World) -> None:
    key = open_ticket(world)
    for n in range(50):
        world.comment_as(IVAN, key, f"Комментарий {n}")
    world.inject(COMMENT_ADD, 500, commit=True)

    deliver(thread_reply(56500, world.thread_of(MESSAGE), "Спасибо, жду"))
    drain()

    assert world.duplicates() == []
    assert world.received(COMMENT_ADD) == 1


def test_a_reply_in_the_thread_of_a_queued_ticket_is_not_lost(world: World) -> None:
    world.inject(ISSUE_CREATE, 503, times=None)
    assert deliver(new_message(MESSAGE)).outcome == "queued"  # the thread is open: people can write in it

    deliver(thread_reply(56500, world.thread_of(MESSAGE), "Дополнение: ошибка 0x80004005"))
    world.heal()
    drain()

    [comment] = world.comments_on(world.issue_of(MESSAGE).key)
    assert comment.text.endswith("Дополнение: ошибка 0x80004005")
