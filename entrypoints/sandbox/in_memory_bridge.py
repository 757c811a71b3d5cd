"""The real bridge wired to the in-memory Pachca, Tracker and directory (`in_memory`): a use case run end to end
through the inbox, in this process, for the use-case tests and the bench."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.state.memory import MemoryState
from application.events import Event, MessagePosted, ThreadReplyPosted
from application.tracker_events import TrackerCommentAdded
from domain.tickets import ThreadRef
from entrypoints.composition.container import Container
from entrypoints.config.configuration import load_settings
from entrypoints.sandbox.in_memory import (
    FakeChatMessenger,
    FakeClock,
    FakeDirectory,
    FakeEventHistory,
    FakeIssueTracker,
    as_ports,
)
from entrypoints.sandbox.simulators.people import IVAN, OLEG
from entrypoints.sandbox.simulators.webhooks import SUPPORT_CHAT

PACHCA_SECRET = "pachca-signing-secret"  # noqa: S105 - made up for the in-memory world
TRACKER_SECRET = "tracker-trigger-secret"  # noqa: S105 - made up for the in-memory world
TEST_ENV = {
    "PACHCA_API_TOKEN": "pachca-token-0123456789",
    "WEBHOOK_SECRET": PACHCA_SECRET,
    "TRACKER_API_TOKEN": "tracker-token-0123456789",
    "TRACKER_ORG_ID": "7654321",
    "TRACKER_WEBHOOK_SECRET": TRACKER_SECRET,
    "STATE_URL": "memory://",
}
REQUESTER = OLEG.pachca_id  # who writes the messages
AGENT = IVAN.pachca_id  # who answers them


@dataclass
class Bridge:
    container: Container
    messenger: FakeChatMessenger
    tracker: FakeIssueTracker
    directory: FakeDirectory
    state: MemoryState  # or any store the test gives (`make_bridge(state=...)`): they behave alike
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
    container.outside.messenger.override(messenger)
    container.outside.tracker.override(tracker)
    container.outside.messenger_files.override(messenger_files)
    container.outside.tracker_files.override(tracker_files)
    container.outside.directory.override(directory)
    container.outside.state.override(bridge.state)
    container.outside.clock.override(clock)
    container.outside.event_history.override(bridge.history)
    return bridge


# events as the webhooks' readers make them
def message(
    message_id: int = 56431,
    text: str = "Не работает вход в 1С\nОшибка 403",
    user_id: int = REQUESTER,
    chat_id: int = SUPPORT_CHAT,
) -> MessagePosted:
    url = f"https://app.pachca.com/chats/{chat_id}?message={message_id}"
    return MessagePosted(message_id, chat_id, user_id, text, url)


def reply(
    thread: ThreadRef, message_id: int = 194300, text: str = "Посмотрел, воспроизводится", user_id: int = REQUESTER
) -> ThreadReplyPosted:
    url = f"https://app.pachca.com/chats/{thread.chat_id}?message={message_id}"
    return ThreadReplyPosted(
        message_id, thread.thread_id, thread.chat_id, thread.root_message_id, thread.root_chat_id, user_id, text, url
    )


def tracker_comment(key: str, comment_id: str) -> TrackerCommentAdded:
    return TrackerCommentAdded(key, comment_id)
