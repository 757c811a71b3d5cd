"""The admin chat (`ADMIN_CHAT_ID`) hears of problems that need a person (given-up events, refused tokens, refused
provenance checks, a growing outbox: tests/application/test_recovery.py); a body that could not be read is none of
them (it is answered 200 and counted by `doctor`), so, through `index.handler`, the admin chat hears nothing of it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

import index
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.webhooks import sign
from entrypoints.sandbox.simulators.world import World
from entrypoints.sandbox.view import ADMIN_CHAT
from tests.conftest import PACHCA_SECRET
from tests.entrypoints.conftest import Context, bridge_env, http_event


def invoke(raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = index.handler(http_event("POST", raw, headers, base64_body=True), Context())
    return result["statusCode"], json.loads(result["body"])


def told(world: World) -> list[str]:
    return [post.content for post in world.posts if post.chat_id == ADMIN_CHAT]


@pytest.fixture
def world(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with World().served() as world:
        env = {**bridge_env(world, f"sqlite:///{tmp_path}/state.db"), "ADMIN_CHAT_ID": str(ADMIN_CHAT)}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        function.reset()
        yield world
    function.reset()


def test_an_unreadable_body_is_answered_200_and_tells_the_admin_chat_nothing(world: World) -> None:
    for raw in (
        b"[1, 2]",
        b"\xff\xfe not unicode",
        b'{"type": "message", "event": "new", "webhook_timestamp": %d}' % time.time(),
    ):
        status, body = invoke(raw, {"pachca-signature": sign(raw, PACHCA_SECRET)})
        assert (status, body) == (200, {"ok": False, "outcome": "unreadable"})

    assert told(world) == []
