"""Pachca's event history over its REST API (operations getWebhookEvents and deleteWebhookEvent of the Pachca
OpenAPI spec; see docs/pachca.md, «Event history»): at most 5 reads per 2 s per token, kept on our side."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from adapters.http.client import HttpClient
from adapters.pachca.messenger import parse_reply
from adapters.pachca.models import Data
from adapters.pachca.ratelimit import ChatRateLimiter
from ports.errors import NotFound
from ports.event_history import EventHistory, HistoryEvent, HistoryPage

READS_PER_WINDOW, WINDOW_SECONDS = 5, 2.0
MAX_LIMIT = 50
HISTORY_SLOT = "pachca:event-history"  # the limiter's key: one token, one limit, whichever instance reads


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    event_type: str = ""
    payload: dict[str, Any]
    created_at: str = ""


class _Paginate(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    next_page: str | None = None
    has_next: bool | None = None


class _Meta(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    paginate: _Paginate | None = None


class _HistoryReply(Data[list[_Event]]):
    meta: _Meta | None = None


@dataclass(frozen=True)
class HttpEventHistory(EventHistory):
    client: HttpClient
    limiter: ChatRateLimiter | None = None

    def read(self, limit: int, cursor: str | None = None) -> HistoryPage:
        params: dict[str, Any] = {"limit": max(1, min(limit, MAX_LIMIT))} | ({"cursor": cursor} if cursor else {})
        response = self.client.request(
            "GET", "/webhooks/events", idempotent=True, params=params, before_attempt=self._slot
        )
        reply = parse_reply(response, _HistoryReply)
        events = [HistoryEvent(e.id, e.event_type, e.payload, e.created_at) for e in reply.data]
        paginate = reply.meta.paginate if reply.meta else None
        more = paginate is not None and paginate.next_page and paginate.has_next is not False and events
        return HistoryPage(events, paginate.next_page if more and paginate else None)

    def delete(self, event_id: str) -> None:
        segment = quote(event_id, safe="")
        with suppress(NotFound):  # deleted already (by another instance): what was wanted
            self.client.request("DELETE", f"/webhooks/events/{segment}", idempotent=True)

    def _slot(self) -> None:
        if self.limiter is not None:
            self.limiter.acquire(HISTORY_SLOT)


def history_limiter(shared: Any = None) -> ChatRateLimiter:
    return ChatRateLimiter(limit=READS_PER_WINDOW, window=WINDOW_SECONDS, shared=shared)
