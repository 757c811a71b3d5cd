"""Files of a ticket's first message cross to Tracker over real HTTP, through `index.handler`: a small one is uploaded,
one over `MAX_FILE_MB` becomes a line naming it, its size and why, and the text still goes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

import index
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.http import Answer, Call, answer
from entrypoints.sandbox.simulators.webhooks import from_pachca, message_webhook
from entrypoints.sandbox.simulators.world import World
from tests.conftest import PACHCA_SECRET
from tests.entrypoints.conftest import Context, bridge_env, http_event

SMALL, BIG = 2_000, 2 * 1024 * 1024


def with_files(world: World, files: list[dict[str, Any]]) -> None:
    """Pachca's `GET /messages/{id}` answers with these files (the simulator's people write text only)."""

    def message(call: Call, message_id: str) -> Answer:
        return answer({"data": {"id": int(message_id), "files": files}})

    routes = world.router._routes
    [at] = [n for n, (name, _, _) in enumerate(routes) if name == "GET /pachca/messages/{id}"]
    routes[at] = (routes[at][0], message, routes[at][2])


@pytest.fixture
def world(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with World().served() as world:
        env = {**bridge_env(world, f"sqlite:///{tmp_path}/state.db"), "MAX_FILE_MB": "1"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        function.reset()
        yield world
    function.reset()


def test_a_small_file_goes_onto_the_issue_and_a_big_one_becomes_a_line(world: World) -> None:
    base = world.base_url
    with_files(
        world,
        [
            {"id": 1, "key": "a/1", "name": "screen.png", "file_type": "image", "url": f"{base}/pachca/files/{SMALL}"},
            {"id": 2, "key": "a/2", "name": "dump.zip", "file_type": "file", "url": f"{base}/pachca/files/{BIG}"},
        ],
    )
    raw, headers = from_pachca(message_webhook(content="Ошибка на экране", timestamp=int(time.time())), PACHCA_SECRET)

    result = index.handler(http_event("POST", raw, headers), Context())

    assert (result["statusCode"], json.loads(result["body"])["outcome"]) == (200, "created")
    issue = world.issue_of(56431)
    assert issue.description.startswith("Ошибка на экране")
    assert "dump.zip" in issue.description and "screen.png" not in issue.description
    [line] = [line for line in issue.description.splitlines() if "dump.zip" in line]
    assert any(size in line for size in ("2 МБ", "2.0 МБ", "2,0 МБ", "2 MiB", "2.0 MiB", "2097152"))
    assert SMALL <= world.files.received < BIG  # the small file was uploaded, the big one never fetched whole
