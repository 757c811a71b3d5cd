"""Who sent an inbound body (the timer trigger, a Tracker trigger, or Pachca), and Tracker's trigger bodies as the
bridge's events: the one place that reads them, through the catalogue (`application.tracker_events`)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from application.events import Unreadable
from application.tracker_events import TRACKER_EVENTS, TrackerEvent

TIMER_EVENT_TYPE = "yandex.cloud.events.serverless.triggers.TimerMessage"
TRACKER_TYPES = frozenset(TRACKER_EVENTS.by_type)  # the body types of the catalogue


class Source(Enum):
    """Who sent a request body, read once per request."""

    TIMER = "timer"  # a timer trigger's message: drain the outbox
    TRACKER = "tracker"  # a Tracker trigger's event, or a body carrying Tracker's secret header
    PACHCA = "pachca"


def source_of(body: Any, tracker_header: bool) -> Source:
    if is_timer(body):
        return Source.TIMER
    if tracker_header or (isinstance(body, dict) and _hashable(body.get("type")) in TRACKER_TYPES):
        return Source.TRACKER
    return Source.PACHCA


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str) else None


def is_timer(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return False
    return any(_is_timer_message(m) for m in body["messages"])


def _is_timer_message(message: Any) -> bool:
    metadata = message.get("event_metadata") if isinstance(message, dict) else None
    return isinstance(metadata, dict) and metadata.get("event_type") == TIMER_EVENT_TYPE


def tracker_event(body: Any, received_at: float) -> TrackerEvent:
    """The event of an authenticated Tracker body; a `type` outside the catalogue is Unreadable, never guessed."""
    if not isinstance(body, dict):
        raise Unreadable("body is not a JSON object")
    return TRACKER_EVENTS.read(body, received_at)
