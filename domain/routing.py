"""Which Tracker queue a chat's tickets go to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class QueueRouting:
    """Each chat's tickets go to its own queue when it has one, else to the default queue (`TRACKER_QUEUE`)."""

    default: str
    by_chat: Mapping[int, str] = field(default_factory=dict)

    def queue_for(self, chat_id: int) -> str:
        return self.by_chat.get(chat_id, self.default)

    @property
    def queues(self) -> tuple[str, ...]:
        """Every queue the bridge opens tickets in, the default first, each once."""
        return tuple(dict.fromkeys((self.default, *self.by_chat.values())))

    @property
    def routed_chats(self) -> frozenset[int]:
        """The chats CHAT_QUEUES names: support chats, whatever SUPPORT_CHAT_IDS says."""
        return frozenset(self.by_chat)
