"""The health check tells the truth about the store: through `index.handler` and through `serve` over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.state.sqlite import SqliteState
from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed
from tests.entrypoints.conftest import Send
from tests.state.test_self_repair import read_only


@pytest.fixture
def state_url(tmp_path: Path) -> Iterator[str]:
    """A store that was fine yesterday and whose file is read-only today (a wrong owner, a read-only mount)."""
    path = tmp_path / "state.db"
    store = SqliteState(str(path))
    store.stats()
    store.close()
    with read_only(path):
        yield f"sqlite:///{path}"


def test_a_read_only_sqlite_file_answers_503_to_get_as_to_every_webhook(send: Send, apis: World) -> None:
    webhook = send("POST", *signed(pachca_body(56431)))
    health = send("GET")

    assert webhook.status == 503
    assert (health.status, health.body) == (503, {"ok": False, "error": "state store unavailable"})
    assert apis.issues == {}
