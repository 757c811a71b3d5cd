"""Tracker's events, as its triggers call the bridge: a comment added, a status changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from application.event import Event
from domain.instants import iso_utc


@dataclass(frozen=True)
class TrackerCommentAdded(Event):
    kind: ClassVar[str] = "tracker.comment"
    issue_key: str
    comment_id: str

    @property
    def key(self) -> str:
        return f"tracker:comment:{self.issue_key}:{self.comment_id}"


@dataclass(frozen=True)
class TrackerStatusChanged(Event):
    kind: ClassVar[str] = "tracker.status"
    issue_key: str
    received_at: float

    @property
    def key(self) -> str:
        return f"tracker:status:{self.issue_key}:{iso_utc(self.received_at, 'microseconds')}"
