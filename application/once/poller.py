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
    _due: dict[str, float] = field(default_factory=dict, init=False)

    def tick(self) -> float:
        """Runs what is due (each kind timed from its own last start, so a search comes every `search_seconds`,
        not at the next history read after it); returns how long until something is due again. Failures are
        logged, never raised."""
        every = {"history": self.poll_seconds, "tracker": self.search_seconds, "outbox": self.drain_seconds}
        work: dict[str, Callable[[], object]] = {
            "history": self.history.run,
            "tracker": lambda: self.tracker.run(min_interval=self.search_seconds - 1.0),
            "outbox": self._outbox,
        }
        for kind, run in work.items():
            now = self.monotonic()
            if now >= self._due.get(kind, 0.0):
                self._due[kind] = now + every[kind]
                self._guarded(kind, run)
        return max(0.0, min(self._due.values()) - self.monotonic())

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            stop.wait(self.tick())

    def start(self, stop: threading.Event | None = None) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop or threading.Event(),), name="poller", daemon=True)
        thread.start()
        return thread

    def _outbox(self) -> None:
        done, left = self.drain.outbox_pass()
        if done or left:
            log.info("drained", extra={"done": done, "left": left})

    @staticmethod
    def _guarded(what: str, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception:  # the store or an API down: the next turn tries again, nothing was deleted
            log.exception("poll turn failed", extra={"pass": what})
