"""Nothing lost and nothing doubled when two instances share one PostgreSQL store: after an outage both run their
drain pass at the same moment, and what Pachca kept in its event history and what changed in Tracker crosses once;
the late webhooks and the triggers Tracker fired meanwhile change nothing afterwards.

Each instance is its own function runtime (its own container, built from the environment on a cold start), as two
instances of the cloud function are; both are called through the function's handler, on threads of this process.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from entrypoints.function.handler import FunctionRuntime
from tests.conftest import dumps
from tests.entrypoints.apis import signed, tracker_headers
from tests.entrypoints.conftest import TIMER_EVENT, Context, http_event
from tests.faults.conftest import LONG_MS, Reply, Webhook
from tests.faults.test_concurrent_delivery import together
from tests.faults.test_recovery import AGENT_ANSWER, FIRST, NOTE, REPLY, SECOND, _message, _reply
from tests.faults.world import IVAN, ROBOT_UID, World

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("bridge_env")]

EDITED = "Не работает вход в 1С: ошибка 500"
REPLY_TEXT = "Ошибка появляется при входе"
ROBOT_TEXT = "Плановые работы на сервере лицензий"  # written in Tracker under the robot's own account


@pytest.fixture
def state_url(postgres_url: str) -> str:
    """One PostgreSQL store (a schema of its own, dropped afterwards) that both instances share."""
    return postgres_url


def _call(instance: FunctionRuntime, event: dict[str, Any]) -> Reply:
    result = instance.handle(event, Context(LONG_MS))
    return Reply(result["statusCode"], json.loads(result["body"]))


def _deliver(instance: FunctionRuntime, hook: Webhook) -> Reply:
    return _call(instance, http_event("POST", hook.body, hook.headers))


def _drain_together(first: FunctionRuntime, second: FunctionRuntime) -> list[Reply]:
    """What the timer does on both instances, released at the same moment."""
    return together(2, lambda i: _call((first, second)[i], TIMER_EVENT))


def _outage(world: World, first: FunctionRuntime, second: FunctionRuntime) -> tuple[str, list[Webhook]]:
    """A ticket opened while the bridge was up (both instances warm); then, while it is down, a new message, a thread
    reply and an edit in Pachca (kept in the history), an agent's comment, the robot's own comment, an internal note
    and a status change in Tracker. Returns the key and the late deliveries Pachca and Tracker attempted meanwhile."""
    hook = Webhook(*signed(_message(FIRST)))
    world.pachca.history.record(_message(FIRST))  # carried by the webhook: the recovery only deletes it
    assert [_deliver(first, hook).outcome, _deliver(second, hook).outcome] == ["created", "duplicate"]  # both built
    key = world.issue_of(FIRST).key
    fired: list[dict[str, Any]] = []
    world.tracker.on_trigger = fired.append  # the triggers Tracker fires while the bridge is down
    late: list[Webhook] = []
    for payload in (
        _message(SECOND, "Принтер не печатает"),
        _reply(REPLY, world.thread_of(FIRST), REPLY_TEXT),
        _message(FIRST, EDITED, event="update", changed_at="2026-12-07T10:00:00Z"),
    ):
        world.pachca.history.record(payload)
        late.append(Webhook(*signed(payload)))
    world.comment_as(IVAN, key, AGENT_ANSWER)
    world.tracker.comment_as(ROBOT_UID, key, ROBOT_TEXT)
    world.comment_as(IVAN, key, NOTE)
    assert world.tracker.move(key, "start_progress", IVAN.uid)
    world.tracker.on_trigger = None
    kinds = [trigger["type"] for trigger in fired]
    assert kinds == ["issueCommentEvent", "issueCommentEvent", "issueStatusEvent"], kinds  # the note fires none
    return key, late + [Webhook(dumps(trigger), tracker_headers()) for trigger in fired]


def _world_state(world: World) -> tuple[object, ...]:
    """Everything the bridge could have changed: issues (fields, status), posts (text, buttons), comments."""
    with world.pachca.lock, world.tracker.lock:
        posts = [(p.id, p.chat_id, p.content, p.buttons) for p in world.posts]  # a card rewritten as it was is alike
        return (sorted(map(repr, world.issues.values())), posts, list(map(repr, world.comments)))


def test_two_instances_draining_at_once_after_an_outage_carry_each_thing_once(world: World) -> None:
    first, second = FunctionRuntime(), FunctionRuntime()
    key, _ = _outage(world, first, second)

    replies = _drain_together(first, second)

    assert [r.status for r in replies] == [200, 200], [r.body for r in replies]
    assert world.duplicates() == []
    world.assert_one_ticket_each([FIRST, SECOND])  # one issue and one card per message
    carried = [c for c in world.comments_on(key) if REPLY_TEXT in c.text]
    assert len(carried) == 1 and carried[0].author == ROBOT_UID  # one comment per thread reply
    assert world.issues[key].description.startswith(EDITED)  # the edit applied
    posts = [p.content for p in world.posts_in(world.thread_of(FIRST))]
    assert sum(AGENT_ANSWER in text for text in posts) == 1  # one thread post per Tracker comment
    assert sum(text.startswith("Статус заявки изменён") for text in posts) == 1  # the status announced once
    assert not any(ROBOT_TEXT in p.content for p in world.posts)  # the robot's own comment stays in Tracker
    assert not any(REPLY_TEXT in p.content for p in world.posts)  # and so does the reply the bridge carried there
    assert not any("сервер лицензий" in p.content for p in world.posts)  # and the internal note
    assert world.pachca.history.pending() == 0


def test_late_webhooks_and_triggers_after_a_shared_recovery_change_nothing(world: World) -> None:
    first, second = FunctionRuntime(), FunctionRuntime()
    key, late = _outage(world, first, second)
    _drain_together(first, second)
    world.comment_as(IVAN, key, "#внутр проверить лицензии")  # the issue changes again; a note fires no trigger
    before = _world_state(world)

    replies = [_deliver(instance, hook) for hook in late for instance in (first, second)]
    again = _drain_together(first, second)

    assert all(r.status == 200 for r in replies), [r.body for r in replies]
    assert [r.outcome for r in replies[:6]] == ["duplicate"] * 6  # the Pachca events: each already carried
    assert _world_state(world) == before
    assert world.duplicates() == []
    assert [r.body["done"] for r in again] == [0, 0]
