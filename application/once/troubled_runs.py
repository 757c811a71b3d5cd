"""Runs of an event that raised or never finished (the function's invocation ran out of time), counted in the store
so that every instance sees them."""

from __future__ import annotations

from dataclasses import dataclass

from ports.clock import Clock
from ports.state.records import Cache

MAX_TROUBLED_RUNS = 3  # runs that raised or never finished before an event is buried


@dataclass(frozen=True)
class TroubledRuns:
    """A run of an event already tried is counted as troubled before it starts and uncounted when it ends
    normally, so a run cut off by the platform still counts. A first run is not marked: most events need one."""

    cache: Cache
    clock: Clock
    keep_seconds: float

    def begin(self, event_key: str, attempts: int) -> int:
        """The troubled runs so far; this run counts as one of them until `ended` (not marked on a first run)."""
        if attempts <= 1:
            return 0
        troubled = self.count(event_key)
        if troubled < MAX_TROUBLED_RUNS:
            self.set(event_key, troubled + 1)
        return troubled

    def ended(self, event_key: str, attempts: int, troubled: int) -> None:
        """This run ended without trouble (a transient failure is not one)."""
        if attempts > 1:
            self.set(event_key, troubled)

    def count(self, event_key: str) -> int:
        value = self.cache.get(_key(event_key), self.clock.now())
        return int(value) if value and value.isdigit() else 0

    def set(self, event_key: str, count: int) -> None:
        self.cache.put(_key(event_key), str(count), self.clock.now() + self.keep_seconds)


def _key(event_key: str) -> str:
    return f"inbox:troubled:{event_key}"
