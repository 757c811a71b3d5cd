"""Routing: which Tracker queue a chat's tickets go to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Routing:
    """Rules:
    - a chat named in `chats` (CHAT_QUEUES) sends its tickets to its own queue, and is a support chat;
    - every other chat, and a direct message to the bot, uses the default queue (TRACKER_QUEUE);
    - `queues` is every queue the bridge writes to, the default first: what `setup` prepares and `doctor` checks.
    """

    default: str
    chats: tuple[tuple[int, str], ...] = ()  # (chat id, queue), as configured

    def queue_for(self, chat_id: int | None) -> str:
        return dict(self.chats).get(chat_id, self.default) if chat_id is not None else self.default

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.default, *(queue for _, queue in self.chats)]))

    @property
    def routed_chats(self) -> frozenset[int]:
        return frozenset(chat for chat, _ in self.chats)
