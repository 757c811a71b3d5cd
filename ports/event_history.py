"""Pachca's event history: the bot's events kept for it to read (when its «Сохранять историю событий» is on)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class HistoryEvent:
    event_id: str  # the history's own id, what deleting it takes
    event_type: str
    payload: Mapping[str, Any]  # the webhook body Pachca would have sent
    created_at: str = ""  # ISO-8601


@dataclass(frozen=True)
class HistoryPage:
    events: list[HistoryEvent] = field(default_factory=list)
    next_cursor: str | None = None  # None on the last page


@runtime_checkable
class EventHistory(Protocol):
    def read(self, limit: int, cursor: str | None = None) -> HistoryPage: ...

    def delete(self, event_id: str) -> None:
        """Removes one event; one already gone is no error."""
        ...
