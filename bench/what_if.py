"""The rate limiting the bench suggests for `adapters/`, tried here without touching them (a what-if, not the product).

1. A sliding window instead of a token bucket: Pachca allows ~4 writes per chat per second; a bucket of 4 tokens
   refilled at 4/s lets 8 writes through in the first second (the full bucket, then the refill) and earns 429s.
   `SlidingWindowLimiter` never reserves a 5th slot within `window + margin` of the 4th-last one; the margin absorbs
   the jitter between reserving a slot and the request reaching Pachca.
2. A write into a thread is keyed by the chat the thread hangs from (`root_chat_id`), not by the thread's own chat:
   Pachca does not document which chat such a write counts against, and the root chat is the stricter reading.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable

from adapters.pachca import HttpChatMessenger
from adapters.ratelimit import ChatRateLimiter
from domain.model import ThreadRef
from entrypoints.container import Container
from ports.messenger import ButtonRows


class SlidingWindowLimiter(ChatRateLimiter):
    def __init__(
        self,
        limit: int = 4,
        window: float = 1.0,
        margin: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(clock=clock, sleep=sleep)
        self.limit = limit
        self.span = window + margin
        self.slots: dict[Hashable, deque[float]] = {}

    def _reserve(self, key: Hashable) -> float:
        with self._lock:
            now = self._clock()
            slots = self.slots.setdefault(key, deque(maxlen=self.limit))
            at = now if len(slots) < self.limit else max(now, slots[0] + self.span)
            slots.append(at)
            return at - now


class RootChatMessenger(HttpChatMessenger):
    def post_to_thread(self, thread: ThreadRef, text: str, buttons: ButtonRows = ()) -> int:
        return self._post_message("thread", thread.thread_id, text, buttons, chat_key=thread.root_chat_id)


def suggested_limiter(container: Container) -> None:
    """Overrides the container's messenger with the suggested rate limiting (a `measure_burst` tweak)."""
    client = container.messenger().client
    container.messenger.override(RootChatMessenger(client, SlidingWindowLimiter()))


def root_chat_bucket(container: Container) -> None:
    """Only the key fixed: thread writes wait for their root chat, through the shipped token bucket."""
    client = container.messenger().client
    container.messenger.override(RootChatMessenger(client, ChatRateLimiter()))
