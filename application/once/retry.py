"""When an event is tried again, and how long the store keeps what it knows of it."""

from __future__ import annotations

import random
from dataclasses import dataclass

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class RetrySchedule:
    budget_seconds: float = 60.0  # the time one delivery or drain pass may take where no invocation deadline bounds it
    lease_margin: float = 5.0  # a claim outlives its holder's deadline by this much, then anyone may take it over
    busy_wait: float = 1.0  # a redelivery of an event in progress waits this long for its result, then answers queued
    busy_poll: float = 0.05
    first_delay: float = 30.0
    max_delay: float = 3600.0
    give_up_after: float = 2 * 86400.0

    def next_attempt(self, now: float, attempts: int, retry_after: float | None) -> float:
        delay = min(self.max_delay, self.first_delay * 2 ** max(0, attempts - 1))
        delay = random.uniform(delay / 2, delay)  # noqa: S311 - jitter
        return now + max(delay, retry_after or 0.0)


@dataclass(frozen=True)
class RetentionPolicy:
    """How long the store keeps what recognises a duplicate, write records and dead entries."""

    keep_seconds: float
    batch: int = 500  # rows of each kind one drain pass purges at most

    @classmethod
    def of(cls, days: float, replay_window: float) -> RetentionPolicy:
        """Never shorter than `replay_window`: as long as a replayed webhook can still be accepted."""
        return cls(max(days * DAY_SECONDS, replay_window))
