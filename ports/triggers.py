"""The Tracker triggers that call the bridge, in the bridge's terms: what fires one, what it sends, where, with which
secret. Which triggers there are is the catalogue's business (`application.tracker_events`); how Tracker spells them
is the adapter's (see docs/tracker.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FiresOn(Enum):
    COMMENT_CREATED = "comment created"  # a new comment, not by the robot, not an internal note
    FIELD_CHANGED = "field changed"  # a change of one field of the issue (`TriggerSpec.field`)


@dataclass(frozen=True)
class TriggerSpec:
    """One trigger of the bridge: its name in the queue (`setup` and `doctor` match by it), what fires it, and the
    JSON body its webhook sends, with Tracker's `{{…}}` placeholders."""

    name: str
    fires_on: FiresOn
    body: str
    field: str = ""  # for FIELD_CHANGED: the issue field whose change fires it


@dataclass(frozen=True)
class BridgeTrigger:
    """A trigger as the bridge wants it: on which event it calls `endpoint` with `secret`, and whose comments (the
    robot's own, named by its uid) it skips. How Tracker spells that is the adapter's business (see
    docs/tracker.md)."""

    spec: TriggerSpec
    endpoint: str
    secret: str
    robot_uid: str
    active: bool = True
    internal_markers: tuple[str, ...] = ()  # a comment containing one is an internal note: no call for it

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class Trigger:
    """A trigger as Tracker stores it; the adapter may keep more of it, to compare it with a BridgeTrigger."""

    id: str
    version: int
    name: str
    active: bool
    notes: tuple[str, ...] = ()  # how Tracker stored what it may spell in more than one way, for `doctor`

    @property
    def endpoint(self) -> str:
        """The URL it calls, or "" when it calls none."""
        return ""
