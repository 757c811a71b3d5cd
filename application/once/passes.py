"""What the recovery's passes leave behind, in the store: the last pass of each kind (what `doctor` shows) and the
marks they compare, among them when a Pachca webhook last arrived, which the endpoint notes and the history is judged
by. Apart from the passes themselves, so that noting a webhook imports none of them."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

from ports.clock import Clock
from ports.state.records import Cache

HISTORY, TRACKER, OUTBOX = "history", "tracker", "outbox"
PASS_KINDS = (HISTORY, TRACKER, OUTBOX)
KEEP_RECORD = 30 * 86400.0
WEBHOOK_MARK = "recovery:webhook:pachca"  # when a Pachca webhook last arrived (webhooks mode)
HISTORY_MARK = "recovery:history:seen"  # when a pass last found an event in the history
SILENT_SECONDS = 600.0  # webhooks this much newer than the history's last event: history is off
OUTBOX_MARK = "recovery:outbox:pending"


@dataclass(frozen=True)
class PassRecord:
    at: float
    seen: int  # events read, or issues looked through
    carried: int  # handled now, or queued for retry: not a duplicate
    error: str = ""


class PassLog:
    """The last pass of each kind, in the store: what `doctor` shows, and marks the passes compare."""

    def __init__(self, cache: Cache, clock: Clock) -> None:
        self.cache = cache
        self.clock = clock

    def record(self, kind: str, record: PassRecord) -> None:
        self.cache.put(f"recovery:last:{kind}", json.dumps(asdict(record)), record.at + KEEP_RECORD)

    def last(self, kind: str) -> PassRecord | None:
        found = self.cache.get(f"recovery:last:{kind}", self.clock.now())
        return PassRecord(**json.loads(found)) if found else None

    def mark(self, name: str, value: float) -> None:
        self.cache.put(name, repr(value), self.clock.now() + KEEP_RECORD)

    def marked(self, name: str) -> float | None:
        found = self.cache.get(name, self.clock.now())
        return float(found) if found else None


class WebhookMark:
    """Notes, at most once a minute per process, that a Pachca webhook arrived: what the history is judged by."""

    def __init__(self, passes: PassLog, every: float = 60.0) -> None:
        self.passes = passes
        self.every = every
        self._last = -math.inf

    def seen(self) -> None:
        now = self.passes.clock.now()
        if now - self._last >= self.every:
            self._last = now
            self.passes.mark(WEBHOOK_MARK, now)
