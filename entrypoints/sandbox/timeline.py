"""What the page's timeline shows: every webhook, every API call and every outbox pass, in the order they ended."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from entrypoints.sandbox.simulators.router import ApiCall

SERVICES = {"pachca": "Пачка", "tracker": "Трекер", "y360": "Яндекс 360"}
KEEP = 500
ROUTINE = {("GET", "GET /pachca/webhooks/events")}  # the recovery reads the event history every few seconds


@dataclass(frozen=True)
class Entry:
    seq: int
    at: float
    flow: str  # who called whom, e.g. «Пачка → мост»
    what: str  # method and path, or what happened
    status: int | None
    ms: float
    note: str = ""


class Timeline:
    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._seq = 0
        self._lock = threading.Lock()

    def add(self, flow: str, what: str, status: int | None, ms: float, note: str = "", at: float = 0.0) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append(Entry(self._seq, at or time.time(), flow, what, status, round(ms, 1), note))
            del self._entries[:-KEEP]

    def api_call(self, call: ApiCall) -> None:
        """A call the bridge made to a simulated API; the recovery's routine reads (the event history, Tracker's
        recent changes) every few seconds are shown only when they fail: what they carry shows by itself."""
        if call.status < 400 and (call.method, call.route) in ROUTINE:
            return
        service = call.path.strip("/").split("/", 1)[0]
        path = call.path.removeprefix(f"/{service}")
        note = f"Retry-After: {call.retry_after}" if call.retry_after else ""
        self.add(
            f"мост → {SERVICES.get(service, service)}", f"{call.method} {path}", call.status, call.ms, note, call.at
        )

    def since(self, seq: int) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(e) for e in self._entries if e.seq > seq]
