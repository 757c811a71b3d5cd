"""Pachca's limit on message writes (about 4 per second per chat), kept on our side instead of learnt from 429s."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


class ChatRateLimiter:
    """At most `limit` writes per key (a chat) in any window of `window` seconds, plus a safety margin.

    `acquire` reserves the next free slot under the lock, then sleeps outside it, so threads writing to different
    chats never wait for each other and threads writing to one chat are spaced out fairly.
    """

    def __init__(
        self,
        limit: int = 4,
        window: float = 1.0,
        margin: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or window <= 0 or margin < 0:
            raise ValueError("limit must be at least 1, window positive and margin not negative")
        self._limit = limit
        self._span = window + margin
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[Hashable, deque[float]] = {}

    def acquire(self, key: Hashable) -> None:
        wait = self._reserve(key)
        if wait > 0:
            self._sleep(wait)

    def _reserve(self, key: Hashable) -> float:
        with self._lock:
            now = self._clock()
            slots = self._slots.setdefault(key, deque(maxlen=self._limit))
            at = now if len(slots) < self._limit else max(now, slots[0] + self._span)
            slots.append(at)
            return at - now
