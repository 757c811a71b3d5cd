"""Nothing lost while the bridge was down: what Pachca kept in its event history and what changed in Tracker is
carried by the next drain pass (the function's timer, through `index.handler`), each thing once; the late webhooks
and triggers change nothing; the robot's own comments and internal notes stay where they are."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import REQUESTER, dumps
from tests.entrypoints.apis import pachca_body, signed, tracker_headers
from tests.faults.conftest import LONG_MS, Reply, Webhook, deliver, drain
from tests.faults.world import IVAN, ROBOT_UID, Thread, World, support_chat

FIRST, SECOND, REPLY = 4101, 4102, 4103
AGENT_ANSWER = "Перезагрузите, пожалуйста, клиент 1С"
NOTE = "#внутр похоже, сервер лицензий"


def _message(message_id: int, text: str = "Не работает вход в 1С", **extra: Any) -> dict[str, Any]:
    chat_id = support_chat(message_id)
    url = f"https://app.pachca.com/chats/{chat_id}?message={message_id}"
    return pachca_body(message_id, content=text, chat_id=chat_id, entity_id=chat_id, url=url, **extra)


def _reply(message_id: int, thread: Thread, text: str) -> dict[str, Any]:
    return pachca_body(
        message_id,
        content=text,
        user_id=REQUESTER,
        entity_type="thread",
        entity_id=thread.id,
        chat_id=thread.chat_id,
        thread={"message_id": thread.message_id, "message_chat_id": thread.root_chat_id},
        url="",
    )


def _pachca(world: World, payload: dict[str, Any], bridge_up: bool) -> Webhook:
    """Pachca keeps every event in the bot's history, and calls the bridge's webhook (in vain while it is down)."""
    world.pachca.history.record(payload)
    hook = Webhook(*signed(payload))
    if bridge_up:
        deliver(hook, LONG_MS)
    return hook


def _trigger(body: dict[str, Any]) -> Webhook:
    return Webhook(dumps(body), tracker_headers())


def _outage(world: World) -> tuple[str, list[Webhook]]:
    """A ticket opened while the bridge was up; then, while it is down, a new message, a thread reply, an edit of
    the first message, an agent's comment, an internal note and a status change. Returns the key and the late
    deliveries of all of it."""
    _pachca(world, _message(FIRST), bridge_up=True)
    key = world.issue_of(FIRST).key
    thread = world.thread_of(FIRST)
    late = [
        _pachca(world, _message(SECOND, "Принтер не печатает"), bridge_up=False),
        _pachca(world, _reply(REPLY, thread, "Ошибка появляется при входе"), bridge_up=False),
        _pachca(
            world,
            _message(FIRST, "Не работает вход в 1С: ошибка 500", event="update", changed_at="2026-12-07T10:00:00Z"),
            bridge_up=False,
        ),
    ]
    comment_id = world.comment_as(IVAN, key, AGENT_ANSWER)
    world.comment_as(IVAN, key, NOTE)
    assert world.tracker.move(key, "start_progress", IVAN.uid)
    late += [
        _trigger({"type": "issueCommentEvent", "issue": {"key": key}, "comment": {"id": comment_id}}),
        _trigger({"type": "issueStatusEvent", "issue": {"key": key}}),
    ]
    return key, late


def _effects(world: World) -> tuple[int, int, int]:
    return len(world.issues), len(world.posts), len(world.comments)


def test_after_an_outage_one_drain_pass_carries_everything_once(world: World, bridge_env: dict[str, str]) -> None:
    key, _ = _outage(world)

    reply = drain(LONG_MS)

    assert reply.status == 200 and reply.body["done"] >= 5, reply.body
    assert world.duplicates() == []
    world.issue_of(SECOND)  # the new message became its ticket
    assert len(world.cards_of(world.issue_of(SECOND).key)) == 1
    carried_reply = [c for c in world.comments_on(key) if "Ошибка появляется при входе" in c.text]
    assert len(carried_reply) == 1 and carried_reply[0].author == ROBOT_UID
    assert world.issues[key].description.startswith("Не работает вход в 1С: ошибка 500")
    thread_posts = [p.content for p in world.posts_in(world.thread_of(FIRST))]
    assert sum(AGENT_ANSWER in text for text in thread_posts) == 1
    assert sum(text.startswith("Статус заявки изменён") for text in thread_posts) == 1
    assert not any("сервер лицензий" in text for text in thread_posts)  # the internal note stays in Tracker
    assert not any("Ошибка появляется при входе" in text for text in thread_posts)  # the robot's own comment too
    assert world.pachca.history.pending() == 0  # every carried event deleted from the history


def test_late_webhooks_and_triggers_after_the_recovery_change_nothing(world: World, bridge_env: dict[str, str]) -> None:
    _, late = _outage(world)
    drain(LONG_MS)
    before = _effects(world)

    replies: list[Reply] = [deliver(hook, LONG_MS) for hook in late]
    again = drain(LONG_MS)

    assert all(r.status == 200 for r in replies), [r.body for r in replies]
    assert [r.outcome for r in replies[:3]] == ["duplicate"] * 3
    assert _effects(world) == before
    assert world.duplicates() == []
    assert again.body == {"ok": True, "outcome": "drained", "done": 0, "left": 0}


def test_events_already_carried_by_webhook_are_only_deleted_from_the_history(
    world: World, bridge_env: dict[str, str]
) -> None:
    _pachca(world, _message(FIRST), bridge_up=True)
    before = _effects(world)

    reply = drain(LONG_MS)

    assert reply.body["done"] == 0
    assert _effects(world) == before
    assert world.pachca.history.pending() == 0


@pytest.mark.parametrize("minutes", ["0"])
def test_reconcile_minutes_0_turns_the_tracker_pass_off(
    world: World, bridge_env: dict[str, str], minutes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_MINUTES", minutes)
    _pachca(world, _message(FIRST), bridge_up=True)
    key = world.issue_of(FIRST).key
    world.comment_as(IVAN, key, AGENT_ANSWER)
    searches = world.tracker.searches

    drain(LONG_MS)

    assert world.tracker.searches == searches
    assert not any(AGENT_ANSWER in p.content for p in world.posts)


def test_a_history_that_cannot_be_read_leaves_the_outbox_pass_and_the_answer_as_they_were(
    world: World, bridge_env: dict[str, str]
) -> None:
    world.inject("GET /pachca/webhooks/events", 403, times=None)

    reply = drain(LONG_MS)

    assert reply.body == {"ok": True, "outcome": "drained", "done": 0, "left": 0}
