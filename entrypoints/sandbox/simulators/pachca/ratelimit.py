"""Pachca's per-chat limit on message writes, made precise for the simulator.

At most 4 message writes (`POST /messages`, `PUT /messages/{id}`) per chat in any sliding 1.0 s window. A write over
it is answered `429` with `Retry-After: <whole seconds until a slot frees, at least 1>` and is not counted. A thread
is also a chat in Pachca, and which chat a write into a thread counts against is not documented:
`thread_counts_as="root"` (the stricter reading) counts it against the chat the thread hangs from, `"thread"`
against the thread's own chat.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Literal

WINDOW_SECONDS = 1.0
WRITES_PER_WINDOW = 4

ThreadCounting = Literal["root", "thread"]


class SlidingWindow:
    """At most `limit` accepted writes per key in any `window` seconds; refused writes are not counted."""

    def __init__(
        self,
        limit: int = WRITES_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        thread_counts_as: ThreadCounting = "root",
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.thread_counts_as = thread_counts_as
        self.accepted: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: Hashable) -> float:
        """0 when the write is admitted, else how many seconds until it would be."""
        with self._lock:
            now = self.clock()
            times = self.accepted.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return times[0] + self.window - now
            times.append(now)
            return 0.0
