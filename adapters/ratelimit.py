"""Pachca's limit on message writes (about 4 per second per chat), kept on our side instead of learnt from 429s."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class ChatRateLimiter:
    """A token bucket per key (a chat). `acquire` reserves the next free slot under the lock, then sleeps outside it."""

    def __init__(
        self,
        rate_per_second: float = 4.0,
        burst: int = 4,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be positive and burst at least 1")
        self._rate = rate_per_second
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets: dict[Hashable, _Bucket] = {}

    def acquire(self, key: Hashable) -> None:
        wait = self._reserve(key)
        if wait > 0:
            self._sleep(wait)

    def _reserve(self, key: Hashable) -> float:
        """Takes a token, going into debt when none is left; the debt is how long the caller must wait."""
        with self._lock:
            now = self._clock()
            bucket = self._buckets.setdefault(key, _Bucket(self._burst, now))
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            bucket.tokens -= 1
            return max(0.0, -bucket.tokens / self._rate)
