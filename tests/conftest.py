from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from adapters.state.memory import MemoryState
from application.events import Event
from entrypoints.composition.container import Container
from entrypoints.config.configuration import load_settings
from tests.fakes import FakeChatMessenger, FakeClock, FakeDirectory, FakeEventHistory, FakeIssueTracker

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
    state: MemoryState
    clock: FakeClock
    history: FakeEventHistory = field(default_factory=FakeEventHistory)

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


def make_bridge(env: dict[str, str] | None = None, state: MemoryState | None = None) -> Bridge:
    settings = load_settings({**TEST_ENV, **(env or {})})
    container = Container(settings=settings, state_url="memory://")
    bridge = Bridge(
        container, FakeChatMessenger(), FakeIssueTracker(), FakeDirectory(), state or MemoryState(), FakeClock()
    )
    bridge.messenger.add_user(REQUESTER, "Олег Петров", "olegpetrov", "olegp@example.com")
    bridge.messenger.add_user(AGENT, "Иван Иванов", "ivan_ivanov", "ivanov@example.com")
    container.outside.messenger.override(bridge.messenger)
    container.outside.tracker.override(bridge.tracker)
    container.outside.messenger_files.override(bridge.messenger)
    container.outside.tracker_files.override(bridge.tracker)
    container.outside.directory.override(bridge.directory)
    container.outside.state.override(bridge.state)
    container.outside.clock.override(bridge.clock)
    container.outside.event_history.override(bridge.history)
    return bridge


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
