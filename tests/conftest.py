from __future__ import annotations

import hashlib
import hmac
import json
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
