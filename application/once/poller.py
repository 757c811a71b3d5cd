"""Poll mode: the bridge reads what nobody calls it with. The event history every `poll_seconds`, Tracker's recent
changes at most every `search_seconds` (shared by every instance through the recovery's watermark), the outbox
every `drain_seconds`. One loop per process; several processes on one store still carry each event once (the inbox
claims it)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from application.once.recovery import DrainPass, HistoryRecovery, TrackerRecovery

log = logging.getLogger("servicedesk.poll")


@dataclass
class Poller:
    history: HistoryRecovery
    tracker: TrackerRecovery
    drain: DrainPass
    poll_seconds: float
    search_seconds: float
    drain_seconds: float = 30.0
    monotonic: Callable[[], float] = time.monotonic
    _next_search: float = field(default=0.0, init=False)
    _next_drain: float = field(default=0.0, init=False)

    def tick(self) -> None:
        """One turn: the history always; Tracker and the outbox when due. Failures are logged, never raised."""
        now = self.monotonic()
        self._guarded("history", self.history.run)
        if now >= self._next_search:
            self._next_search = now + self.search_seconds
            self._guarded("tracker", lambda: self.tracker.run(min_interval=self.search_seconds - 1.0))
        if now >= self._next_drain:
            self._next_drain = now + self.drain_seconds
            self._guarded("outbox", self._outbox)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            started = self.monotonic()
            self.tick()
            stop.wait(max(0.0, self.poll_seconds - (self.monotonic() - started)))

    def start(self, stop: threading.Event | None = None) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop or threading.Event(),), name="poller", daemon=True)
        thread.start()
        return thread

    def _outbox(self) -> None:
        done, left = self.drain.inbox.drain()
        self.drain.outbox_check()
        if done or left:
            log.info("drained", extra={"done": done, "left": left})

    @staticmethod
    def _guarded(what: str, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception:  # the store or an API down: the next turn tries again, nothing was deleted
            log.exception("poll turn failed", extra={"pass": what})
