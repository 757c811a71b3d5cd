from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from domain.card import Transition as Transition  # the port speaks of it too
from domain.comments import TrackerComment
from domain.people import Person
from domain.tickets import NewIssue, TicketKey


@dataclass(frozen=True)
class IssueInfo:
    key: TicketKey
    summary: str
    status_key: str
    status_display: str
    updated_at: str = ""
    updated_by_id: str | None = None
    local_fields: Mapping[str, str] = field(default_factory=dict)  # short key -> value
    assignee: Person | None = None
    created_by_id: str | None = None  # who created the issue: the bridge's robot, for the tickets it opened


@runtime_checkable
class IssueTracker(Protocol):
    """The help desk's issue tracker."""

    def myself(self) -> Person: ...

    def local_field_ids(self, queue: str) -> dict[str, str]:
        """Short key -> full `<prefix>--key` id of the queue's local fields."""
        ...

    def create_issue(self, issue: NewIssue, field_ids: Mapping[str, str]) -> TicketKey:
        """Creates the issue, or returns the one created earlier with the same `unique`."""
        ...

    def find_issue_by_message(self, queue: str, message_id: int) -> TicketKey | None: ...

    def get_issue(self, key: TicketKey) -> IssueInfo: ...

    def add_comment(
        self, key: TicketKey, text: str, summonees: Sequence[str] = (), attachment_ids: Sequence[str] = ()
    ) -> str: ...

    def get_comment(self, key: TicketKey, comment_id: str) -> TrackerComment:
        """The comment with its attachments (`files`)."""
        ...

    def recent_comments(self, key: TicketKey) -> list[TrackerComment]: ...

    def transitions(self, key: TicketKey) -> list[Transition]: ...

    def status_types(self) -> dict[str, str]:
        """Every status's key -> its type (`new`, `inProgress`, `paused`, `done`, `cancelled`)."""
        ...

    def execute_transition(
        self, key: TicketKey, transition_id: str, comment: str = "", resolution: str | None = None
    ) -> None:
        """Raises ResolutionRefused when the transition's screen takes no `resolution`."""
        ...

    def open_issues_of(self, queue: str, pachca_user_id: int) -> list[IssueInfo]: ...

    def get_user(self, login: str) -> Person | None: ...


@runtime_checkable
class IssueChanges(Protocol):
    """Changes to an issue beyond its workflow: its local fields, its assignee, its links to other issues."""

    def set_local_fields(self, key: TicketKey, values: Mapping[str, str]) -> None:
        """`values`: full local field id -> value; setting the same values again changes nothing."""
        ...

    def assign(self, key: TicketKey, login: str) -> None: ...

    def link(self, key: TicketKey, relationship: str, other: TicketKey) -> None:
        """Links `key` to `other` (`duplicates`, `relates`, …); a link that exists already is left as it is."""
        ...


@runtime_checkable
class ChangedIssues(Protocol):
    """What Tracker changed lately, for the recovery pass that looks for what no trigger delivered."""

    def issues_updated(self, queue: str, within_minutes: int, limit: int) -> list[IssueInfo]:
        """The queue's issues updated in the last `within_minutes`, least recently updated first."""
        ...
