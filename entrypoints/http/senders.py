"""Who sent an inbound body: the timer trigger, a Tracker trigger, or Pachca. Read once per request."""

from __future__ import annotations

from enum import Enum
from typing import Any

TRACKER_EVENT_TYPES = ("issueCommentEvent", "issueStatusEvent")
TIMER_EVENT_TYPE = "yandex.cloud.events.serverless.triggers.TimerMessage"


class Source(Enum):
    """Who sent a request body, read once per request."""

    TIMER = "timer"  # a timer trigger's message: drain the outbox
    TRACKER = "tracker"  # a Tracker trigger's event
    TRACKER_OTHER = "tracker-other"  # carries Tracker's secret header, but is no event the bridge reads
    PACHCA = "pachca"


def source_of(body: Any, tracker_header: bool) -> Source:
    if is_timer(body):
        return Source.TIMER
    if is_tracker(body):
        return Source.TRACKER
    return Source.TRACKER_OTHER if tracker_header else Source.PACHCA


def is_timer(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return False
    return any(_is_timer_message(m) for m in body["messages"])


def _is_timer_message(message: Any) -> bool:
    metadata = message.get("event_metadata") if isinstance(message, dict) else None
    return isinstance(metadata, dict) and metadata.get("event_type") == TIMER_EVENT_TYPE


def is_tracker(body: Any) -> bool:
    return isinstance(body, dict) and body.get("type") in TRACKER_EVENT_TYPES
