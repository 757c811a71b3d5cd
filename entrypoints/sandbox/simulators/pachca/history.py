"""Pachca's event history, simulated (operations getWebhookEvents and deleteWebhookEvent of the Pachca OpenAPI spec):
with «Сохранять историю событий» on, every event the bot gets is kept with its webhook body, newest first, read by
pages of at most 50 with a cursor, at most 5 reads per 2 s per token (`429` with `Retry-After` past that), and
deleted one by one. With it off, nothing is kept and the history reads empty."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from entrypoints.sandbox.simulators.http import Answer, Call, answer
from entrypoints.sandbox.simulators.pachca.ratelimit import SlidingWindow

READS, WINDOW = 5, 2.0
MAX_LIMIT = 50


@dataclass(frozen=True)
class Kept:
    id: str
    event_type: str
    payload: dict[str, Any]
    created_at: str


class EventHistory:
    def __init__(self, enabled: bool = True, limit: SlidingWindow | None = None) -> None:
        self.enabled = enabled
        self.limit = limit if limit is not None else SlidingWindow(READS, WINDOW)
        self.kept: list[Kept] = []  # oldest first; answered newest first
        self.ids = itertools.count(1)
        self.reads = 0
        self.deletes = 0
        self.rejected = 0
        self.lock = threading.RLock()
        self.routes: list[tuple[str, Callable[..., Answer]]] = [
            ("GET /pachca/webhooks/events", self._read),
            ("DELETE /pachca/webhooks/events/{id}", self._delete),
        ]

    def record(self, payload: dict[str, Any]) -> str | None:
        """Pachca keeps the event (when the bot's history is on): its id, or None."""
        if not self.enabled:
            return None
        with self.lock:
            event_id = f"01KH{next(self.ids):022d}"  # sortable as ULIDs are
            now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            self.kept.append(Kept(event_id, f"{payload.get('type')}_{payload.get('event')}", payload, now))
        return event_id

    def pending(self) -> int:
        with self.lock:
            return len(self.kept)

    def _read(self, call: Call) -> Answer:
        wait = self.limit.admit("token")
        if wait > 0:
            with self.lock:
                self.rejected += 1
            body = {"errors": [{"key": "rate_limit", "value": "too many requests"}]}
            return answer(body, 429, {"Retry-After": str(max(1, math.ceil(wait)))})
        try:
            limit = int(call.args.get("limit", MAX_LIMIT))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            return answer({"errors": [{"key": "limit", "value": "invalid"}]}, 400)
        with self.lock:
            self.reads += 1
            newest_first = list(reversed(self.kept))
        after = call.args.get("cursor")
        if after:
            newest_first = [e for e in newest_first if e.id < after]
        page = newest_first[:limit]
        more = len(newest_first) > limit
        data = [
            {"id": e.id, "event_type": e.event_type, "payload": e.payload, "created_at": e.created_at} for e in page
        ]
        cursor = page[-1].id if page else (after or "")
        return answer({"data": data, "meta": {"paginate": {"next_page": cursor, "has_next": more}}})

    def _delete(self, call: Call, event_id: str) -> Answer:
        with self.lock:
            found = [e for e in self.kept if e.id == event_id]
            if not found:
                return answer({"errors": [{"key": "id", "value": "not_found"}]}, 404)
            self.kept.remove(found[0])
            self.deletes += 1
        return answer(None, 204)
