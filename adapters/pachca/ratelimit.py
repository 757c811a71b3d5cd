"""Pachca's limit on message writes (about 4 per second per chat), kept on our side instead of learnt from 429s."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence

from ports.state.upkeep import WriteSlots


def next_slot(slots: Sequence[float], now: float, limit: int, span: float) -> tuple[list[float], float]:
    """The sliding window every limiter keeps: the last `limit` slots of a key and the time of the next one.
    Up to `limit` writes go at once; then each goes `span` after the write `limit` places before it."""
    at = now if len(slots) < limit else max(now, slots[-limit] + span)
    return [*slots, at][-limit:], at


class ChatRateLimiter:
    """At most `limit` writes per key (a chat) in any window of `window` seconds, plus a safety margin.

    `acquire` reserves the next free slot, then sleeps outside any lock, so threads writing to different chats never
    wait for each other and threads writing to one chat are spaced out fairly. With `shared` the slots live in the
    state store, shared by every instance; otherwise in this process.
    """

    def __init__(
        self,
        limit: int = 4,
        window: float = 1.0,
        margin: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        shared: WriteSlots | None = None,
    ) -> None:
        if limit < 1 or window <= 0 or margin < 0:
            raise ValueError("limit must be at least 1, window positive and margin not negative")
        self._limit = limit
        self._span = window + margin
        self._clock = clock
        self._sleep = sleep
        self._shared = shared
        self._lock = threading.Lock()
        self._slots: dict[Hashable, list[float]] = {}

    def acquire(self, key: Hashable) -> None:
        if self._shared is not None:
            wait = self._shared.reserve(str(key), self._limit, self._span)
        else:
            wait = self._reserve(key)
        if wait > 0:
            self._sleep(wait)

    def _reserve(self, key: Hashable) -> float:
        with self._lock:
            now = self._clock()
            self._slots[key], at = next_slot(self._slots.get(key, ()), now, self._limit, self._span)
            return at - now
