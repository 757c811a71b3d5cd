"""The health check writes every table the bridge writes, through `index.handler` and through `serve`: a table that
cannot be written fails it (a webhook would fail there too), a table that is missing is created again and the
bridge answers as before, without a restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adapters.state.sqlite import SqliteState
from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed
from tests.entrypoints.conftest import Send

BROKEN = {"unwritable": "events", "missing": "cache"}


@pytest.fixture(params=sorted(BROKEN))
def state_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A store that worked, then lost a table (`missing`) or had one replaced by something it cannot write."""
    path = tmp_path / "state.db"
    store = SqliteState(str(path))
    store.ping()
    store.close()
    table = BROKEN[request.param]
    with sqlite3.connect(path) as db:
        db.execute(f"DROP TABLE {table}")
        if request.param == "unwritable":
            db.execute(f"CREATE VIEW {table} AS SELECT 1 AS unused")
    return f"sqlite:///{path}"


def test_the_health_check_fails_exactly_when_a_table_cannot_be_written(
    send: Send, apis: World, state_url: str, request: pytest.FixtureRequest
) -> None:
    health = send("GET")
    webhook = send("POST", *signed(pachca_body(56431)))

    if "unwritable" in request.node.callspec.id:
        assert (health.status, health.body) == (503, {"ok": False, "error": "state store unavailable"})
        assert webhook.status == 503
    else:
        assert (health.status, health.body) == (200, {"status": "ok"})
        assert webhook.status == 200 and len(apis.issues) == 1
