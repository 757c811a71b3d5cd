"""The world over real HTTP, the bridge's environment, and the deliveries: all through `index.handler`.

Module-level helpers (not fixtures) so that a spawned child process can import and use them too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import index
from entrypoints.function import handler as function
from tests.conftest import REQUESTER, TEST_ENV, dumps
from tests.entrypoints.apis import pachca_body, signed, tracker_headers
from tests.entrypoints.conftest import TIMER_EVENT, Context, http_event
from tests.faults.world import QUEUE, Thread, World, support_chat
from tests.state.conftest import durable_url, postgres_url, sqlite_url  # noqa: F401 - fixtures, reused

SHORT_MS = 3000  # an invocation with 3 s left: client timeouts shrink to fit, so a stalled fake times out fast
LONG_MS = 60_000  # room enough for a drain of 50 entries (a drain stops taking entries with less than 2 s left)


@dataclass(frozen=True)
class Webhook:
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]

    @property
    def outcome(self) -> str:
        return str(self.body.get("outcome"))


def new_message(message_id: int, text: str = "Не работает вход в 1С") -> Webhook:
    chat_id = support_chat(message_id)
    url = f"https://app.pachca.com/chats/{chat_id}?message={message_id}"
    message = pachca_body(message_id, content=text, chat_id=chat_id, entity_id=chat_id, url=url)
    return Webhook(*signed(message))


def thread_reply(message_id: int, thread: Thread, text: str, user_id: int = REQUESTER) -> Webhook:
    reply = pachca_body(
        message_id,
        content=text,
        user_id=user_id,
        entity_type="thread",
        entity_id=thread.id,
        chat_id=thread.chat_id,
        thread={"message_id": thread.message_id, "message_chat_id": thread.root_chat_id},
        url="",
    )
    return Webhook(*signed(reply))


def tracker_comment(key: str, comment_id: str) -> Webhook:
    trigger = {"type": "issueCommentEvent", "issue": {"key": key}, "comment": {"id": comment_id}}
    return Webhook(dumps(trigger), tracker_headers())


def deliver(webhook: Webhook, remaining_ms: int = SHORT_MS) -> Reply:
    return invoke(http_event("POST", webhook.body, webhook.headers), remaining_ms)


def drain(remaining_ms: int = SHORT_MS) -> Reply:
    """What the timer trigger does: one pass of the outbox."""
    return invoke(TIMER_EVENT, remaining_ms)


def invoke(event: dict[str, Any], remaining_ms: int) -> Reply:
    result = index.handler(event, Context(remaining_ms))
    return Reply(result["statusCode"], json.loads(result["body"]))


@pytest.fixture
def world() -> Iterator[World]:
    """A new world over real HTTP for each test, its people writing in the support chats."""
    with World(chat_of=support_chat).served() as fake:
        yield fake
    assert fake.unrouted == []


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/state.db"


@pytest.fixture
def bridge_env(world: World, state_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The function's environment, pointing at the world; every test starts as a cold start."""
    env = {
        **TEST_ENV,
        **world.env(),
        "Y360_OAUTH": "y360-token-0123456789",
        "TRACKER_QUEUE": QUEUE,
        "STATE_URL": state_url,
        "LOG_LEVEL": "WARNING",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    function.reset()
    yield env
    function.reset()
