"""Tracker's events and their catalogue: one definition per kind, from which `setup` and `doctor` take the triggers
and the webhook reader takes what a body's `type` means. The handlers of each event class are registered with the
others in the composition root (`entrypoints.composition.container`).

A new Tracker event kind is an event class here and one entry in `TRACKER_EVENTS`, then its handler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from application.events import Event, Unreadable
from domain.instants import iso_utc
from ports.triggers import FiresOn, TriggerSpec

ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")


@dataclass(frozen=True)
class TrackerEvent(Event):
    """An event a trigger of the bridge reports: the issue is all a body is trusted for (the rest is read from
    Tracker)."""

    issue_key: str

    @classmethod
    def read(cls, issue_key: str, body: Mapping[str, Any], received_at: float) -> TrackerEvent:
        """The event of a trigger's body whose issue key was read; raises Unreadable for what the kind needs."""
        raise NotImplementedError


@dataclass(frozen=True)
class TrackerCommentAdded(TrackerEvent):
    kind: ClassVar[str] = "tracker.comment"
    comment_id: str

    @property
    def key(self) -> str:
        return f"tracker:comment:{self.issue_key}:{self.comment_id}"

    @classmethod
    def read(cls, issue_key: str, body: Mapping[str, Any], received_at: float) -> TrackerEvent:
        comment = body.get("comment")
        value = comment.get("id") if isinstance(comment, dict) else None
        comment_id = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if not comment_id.strip() or not comment_id.replace("-", "").isalnum():
            raise Unreadable("comment.id: missing or malformed")
        return cls(issue_key, comment_id)


@dataclass(frozen=True)
class TrackerIssueChanged(TrackerEvent):
    """A change the body names by its issue alone (the status, the assignee): what the issue holds now is read from
    Tracker, and each delivery is an event of its own, keyed by when it came (the use case tells a value once)."""

    received_at: float

    @property
    def key(self) -> str:
        what = self.kind.removeprefix("tracker.")
        return f"tracker:{what}:{self.issue_key}:{iso_utc(self.received_at, 'microseconds')}"

    @classmethod
    def read(cls, issue_key: str, body: Mapping[str, Any], received_at: float) -> TrackerEvent:
        return cls(issue_key, received_at)


@dataclass(frozen=True)
class TrackerStatusChanged(TrackerIssueChanged):
    kind: ClassVar[str] = "tracker.status"


@dataclass(frozen=True)
class TrackerAssigneeChanged(TrackerIssueChanged):
    kind: ClassVar[str] = "tracker.assignee"


@dataclass(frozen=True)
class TrackerEventKind:
    """One kind of Tracker event: the body's `type`, the event it reads into, and the trigger that sends it."""

    name: str  # the body's `type`
    event: type[TrackerEvent]
    trigger: TriggerSpec

    @classmethod
    def of(
        cls,
        type_: str,
        event: type[TrackerEvent],
        trigger_name: str,
        fires_on: FiresOn,
        changed_field: str = "",
        sends: Mapping[str, Any] | None = None,
    ) -> TrackerEventKind:
        """`sends`: what the body carries besides its `type` and the issue's key, with Tracker's placeholders."""
        body = {"type": type_, "issue": {"key": "{{issue.key}}"}, **(sends or {})}
        spec = TriggerSpec(trigger_name, fires_on, json.dumps(body, separators=(",", ":")), changed_field)
        return cls(type_, event, spec)


@dataclass(frozen=True)
class Catalogue:
    kinds: tuple[TrackerEventKind, ...]
    by_type: dict[str, TrackerEventKind] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_type", {kind.name: kind for kind in self.kinds})

    def read(self, body: Mapping[str, Any], received_at: float) -> TrackerEvent:
        """The event of a trigger's body; a `type` the catalogue does not hold is unreadable, never guessed."""
        type_ = body.get("type")
        kind = self.by_type.get(type_) if isinstance(type_, str) else None
        if kind is None:
            raise Unreadable("type: not a Tracker event the bridge reads (" + ", ".join(self.by_type) + ")")
        issue = body.get("issue")
        key = issue.get("key") if isinstance(issue, dict) else None
        if not isinstance(key, str) or not ISSUE_KEY.match(key):
            raise Unreadable("issue.key: missing or not an issue key")
        return kind.event.read(key, body, received_at)


# every Tracker event the bridge reads; `setup` creates a trigger for each, `doctor` checks each
TRACKER_EVENTS = Catalogue(
    (
        TrackerEventKind.of(
            "issueCommentEvent",
            TrackerCommentAdded,
            "pachca-bridge: comment created",
            FiresOn.COMMENT_CREATED,
            sends={"comment": {"id": "{{userComment.id}}"}},
        ),
        TrackerEventKind.of(
            "issueStatusEvent",
            TrackerStatusChanged,
            "pachca-bridge: status changed",
            FiresOn.FIELD_CHANGED,
            changed_field="status",
        ),
        TrackerEventKind.of(
            "issueAssigneeEvent",
            TrackerAssigneeChanged,
            "pachca-bridge: assignee changed",
            FiresOn.FIELD_CHANGED,
            changed_field="assignee",
        ),
    )
)
