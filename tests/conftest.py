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
