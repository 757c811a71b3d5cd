from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.state.memory import MemoryState
from application.event import Event
from entrypoints.composition.container import Container
from entrypoints.config.configuration import load_settings
from entrypoints.sandbox.in_memory import FakeChatMessenger, FakeClock, FakeDirectory, FakeIssueTracker, as_ports

PACHCA_SECRET = "pachca-signing-secret"
TRACKER_SECRET = "tracker-trigger-secret"
TEST_ENV = {
    "PACHCA_API_TOKEN": "pachca-token-0123456789",
    "WEBHOOK_SECRET": PACHCA_SECRET,
    "TRACKER_API_TOKEN": "tracker-token-0123456789",
    "TRACKER_ORG_ID": "7654321",
    "TRACKER_WEBHOOK_SECRET": TRACKER_SECRET,
    "STATE_URL": "memory://",
}
REQUESTER = 134412
AGENT = 2001


@dataclass
class Bridge:
    container: Container
    messenger: FakeChatMessenger
    tracker: FakeIssueTracker
    directory: FakeDirectory
    state: MemoryState  # or any store the test gives (`make_bridge(state=...)`): they behave alike
    clock: FakeClock

    def deliver(self, event: Event) -> str:
        outcome: str = self.container.inbox().accept(event)
        return outcome

    def drain(self) -> tuple[int, int]:
        result: tuple[int, int] = self.container.inbox().drain()
        return result

    def calls(self) -> int:
        return self.messenger.total_calls() + self.tracker.total_calls() + self.directory.calls

    def reset_calls(self) -> None:
        self.messenger.calls.clear()
        self.tracker.calls.clear()
        self.directory.calls = 0


def make_bridge(env: dict[str, str] | None = None, state: Any = None) -> Bridge:
    settings = load_settings({**TEST_ENV, **(env or {})})
    container = Container(settings=settings, state_url="memory://")
    bridge = Bridge(
        container, FakeChatMessenger(), FakeIssueTracker(), FakeDirectory(), state or MemoryState(), FakeClock()
    )
    bridge.messenger.add_user(REQUESTER, "Олег Петров", "olegpetrov", "olegp@example.com")
    bridge.messenger.add_user(AGENT, "Иван Иванов", "ivan_ivanov", "ivanov@example.com")
    messenger, messenger_files, tracker, tracker_files, directory, clock = as_ports(
        bridge.messenger, bridge.tracker, bridge.directory, bridge.clock
    )
    container.messenger.override(messenger)
    container.tracker.override(tracker)
    container.messenger_files.override(messenger_files)
    container.tracker_files.override(tracker_files)
    container.directory.override(directory)
    container.state.override(bridge.state)
    container.clock.override(clock)
    return bridge


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    yield make_bridge()


def sign(body: bytes, secret: str = PACHCA_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()
