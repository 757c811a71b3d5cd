"""The Tracker triggers that call the bridge, in the bridge's terms: which event, where, with which secret."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class TriggerKind(Enum):
    """The two Tracker events the bridge listens to; the value is the trigger's name in the queue."""

    COMMENT = "pachca-bridge: comment created"
    STATUS = "pachca-bridge: status changed"


@dataclass(frozen=True)
class BridgeTrigger:
    """A trigger as the bridge wants it: on which event it calls `endpoint` with `secret`, and whose comments (the
    robot's own, named by its uid) it skips. How Tracker spells that is the adapter's business (see
    docs/tracker.md)."""

    kind: TriggerKind
    endpoint: str
    secret: str
    robot_uid: str
    active: bool = True
    internal_markers: tuple[str, ...] = ()  # a comment containing one is an internal note: no call for it

    @property
    def name(self) -> str:
        return self.kind.value


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
