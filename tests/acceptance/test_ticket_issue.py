"""What a top-level message makes in Tracker, as Tracker receives it through `index.handler`: the tag, a stable
`unique` from the Pachca message id (so a second instance that lost the first one's store finds the same issue), and
the four local fields."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

import index
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.http import Answer, Call
from entrypoints.sandbox.simulators.people import OLEG
from entrypoints.sandbox.simulators.webhooks import SUPPORT_CHAT, from_pachca, message_webhook
from entrypoints.sandbox.simulators.world import World
from tests.conftest import PACHCA_SECRET
from tests.entrypoints.conftest import Context, bridge_env, http_event

CREATE = "POST /tracker/v2/issues/"


def recording_creates(world: World) -> list[dict[str, Any]]:
    """Every body Tracker's «Create an issue» receives, kept as sent."""
    bodies: list[dict[str, Any]] = []
    routes = world.router._routes
    [at] = [n for n, (name, _, _) in enumerate(routes) if name == CREATE]
    name, create, pattern = routes[at]

    def recorded(call: Call, *args: str) -> Answer:
        bodies.append(call.json())
        return create(call, *args)

    routes[at] = (name, recorded, pattern)
    return bodies


@pytest.fixture
def world(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with World().served() as world:
        for name, value in bridge_env(world, f"sqlite:///{tmp_path}/first.db").items():
            monkeypatch.setenv(name, value)
        function.reset()
        yield world
    function.reset()


def deliver(message_id: int) -> int:
    raw, headers = from_pachca(message_webhook(message_id=message_id, timestamp=int(time.time())), PACHCA_SECRET)
    result = index.handler(http_event("POST", raw, headers), Context())
    assert json.loads(result["body"])["ok"] is True
    status: int = result["statusCode"]
    return status


def test_the_issue_carries_the_tag_a_stable_unique_and_is_found_again_by_it(
    world: World, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = recording_creates(world)
    assert deliver(56431) == 200
    monkeypatch.setenv("STATE_URL", f"sqlite:///{tmp_path}/second.db")  # another instance, its own empty store
    function.reset()
    assert deliver(56431) == 200

    first, second = bodies[0], bodies[-1]
    assert "Создана в Пачке" in first["tags"]
    assert first["unique"] == second["unique"] and "56431" in first["unique"]
    assert first["queue"] == "SERVICEDESK"
    assert len(world.issues) == 1  # Tracker's 409 on the unique: the same issue
    assert set(world.issue_of(56431).local_fields) == {
        "pachcaMessageId",
        "pachcaChatId",
        "pachcaUserId",
        "pachcaThreadId",
    }


def test_with_support_chats_named_another_chat_opens_nothing_and_a_direct_message_opens_a_ticket(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_CHAT_IDS", str(SUPPORT_CHAT))
    function.reset()

    def send(payload: dict[str, Any]) -> tuple[int, Any]:
        raw, headers = from_pachca({**payload, "webhook_timestamp": int(time.time())}, PACHCA_SECRET)
        result = index.handler(http_event("POST", raw, headers), Context())
        return result["statusCode"], json.loads(result["body"])

    other = message_webhook(message_id=56600, chat_id=SUPPORT_CHAT + 1, content="Обсуждаем обед")
    status, body = send(other)
    assert status == 200 and body["ok"] is True and world.issues == {}

    direct = message_webhook(message_id=56500, chat_id=918300, content="Не работает вход")
    direct |= {"entity_type": "user", "entity_id": OLEG.pachca_id}
    assert send(direct) == (200, {"ok": True, "outcome": "created"})
    assert world.issue_of(56500).local_fields["pachcaChatId"] == "918300"
