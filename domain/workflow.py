"""Workflow knowledge: what a status means (closed? taken?) and which transition carries out a button's action.

A status's meaning comes from Tracker's own status type (see docs/tracker.md, statuses); a status whose type is not
known is judged by its key, as the default workflows name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from domain.actions import Action


class StatusType(Enum):
    NEW = "new"
    IN_PROGRESS = "inProgress"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


CLOSED_TYPES = frozenset({StatusType.DONE, StatusType.CANCELLED})
TYPES_BY_KEY = {  # the fallback: the status keys of Tracker's default workflows
    **dict.fromkeys(("closed", "resolved", "done"), StatusType.DONE),
    **dict.fromkeys(("cancelled", "rejected"), StatusType.CANCELLED),
    **dict.fromkeys(("inProgress", "inWork"), StatusType.IN_PROGRESS),
    **dict.fromkeys(("open", "new"), StatusType.NEW),
    "needInfo": StatusType.PAUSED,
}
TRANSITION_IDS = {
    Action.TAKE: ("start_progress", "startProgress", "inProgress"),
    Action.CLOSE: ("close", "closed", "resolve", "resolved"),
    Action.REOPEN: ("reopen", "open"),
}


@dataclass(frozen=True)
class TicketStatus:
    key: str
    display: str = ""
    type: StatusType | None = None

    @property
    def closed(self) -> bool:
        return self.type in CLOSED_TYPES

    @property
    def taken(self) -> bool:
        return self.type is StatusType.IN_PROGRESS

    def reached_by(self, action: Action) -> bool:
        if action is Action.TAKE:
            return self.taken
        if action is Action.CLOSE:
            return self.closed
        return self.type is not None and not self.closed


@dataclass(frozen=True)
class Transition:
    """A move the workflow offers from an issue's current status."""

    id: str
    display: str
    to_key: str
    to_display: str


@dataclass(frozen=True)
class Workflow:
    """The statuses of the tracker, by key: their types as Tracker reports them."""

    types: dict[str, StatusType]

    @classmethod
    def from_names(cls, types: dict[str, str]) -> Workflow:
        known = {t.value: t for t in StatusType}
        return cls({key: known[name] for key, name in types.items() if name in known})

    def status(self, key: str, display: str = "") -> TicketStatus:
        """The status with its type: Tracker's own, else the one its key names in the default workflows."""
        return TicketStatus(key, display, self.types.get(key) or TYPES_BY_KEY.get(key))

    def transition_for(self, action: Action, offered: Sequence[Transition]) -> Transition | None:
        """The transition named for the action, else the first one reaching a status that action means."""
        by_id = next((t for t in offered if t.id in TRANSITION_IDS[action]), None)
        return by_id or next((t for t in offered if self.status(t.to_key).reached_by(action)), None)
