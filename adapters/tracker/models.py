"""Tracker's answers, read tolerantly (unknown fields ignored), and their conversion to the bridge's terms."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic.alias_generators import to_camel

from domain.comments import TrackerComment
from domain.files import FileRef, clean_name
from domain.people import Person
from domain.tickets import TicketKey
from ports.tracker import IssueInfo, Transition

LOCAL_FIELD_SEPARATOR = "--"


class Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, coerce_numbers_to_str=True, frozen=True, defer_build=True
    )


class User(Model):
    uid: str
    login: str | None = None
    display: str = ""
    email: str | None = None

    def to_person(self) -> Person:
        return Person(
            id=self.uid,
            display_name=self.display or self.login or self.uid,
            nickname=self.login,
            email=self.email or None,
        )


class UserRef(Model):
    id: str
    display: str = ""
    login: str | None = None

    def to_person(self) -> Person:
        return Person(id=self.id, display_name=self.display or self.login or self.id, nickname=self.login)


class IssueKey(Model):
    key: str


class Status(Model):
    key: str
    display: str = ""


class StatusType(Model):
    key: str
    type: str = ""


class Issue(Model):
    model_config = ConfigDict(extra="allow", defer_build=True)  # local fields arrive as `<prefix>--<key>`: extras

    key: str
    summary: str = ""
    status: Status
    updated_at: str = ""
    updated_by: UserRef | None = None
    assignee: UserRef | None = None
    created_by: UserRef | None = None

    def to_info(self) -> IssueInfo:
        return IssueInfo(
            key=TicketKey(self.key),
            summary=self.summary,
            status_key=self.status.key,
            status_display=self.status.display,
            updated_at=self.updated_at,
            updated_by_id=self.updated_by.id if self.updated_by else None,
            local_fields=_local_fields(self.model_extra or {}),
            assignee=self.assignee.to_person() if self.assignee else None,
            created_by_id=self.created_by.id if self.created_by else None,
        )


def _local_fields(extra: Mapping[str, object]) -> dict[str, str]:
    return {
        name.rpartition(LOCAL_FIELD_SEPARATOR)[2]: str(value)
        for name, value in extra.items()
        if LOCAL_FIELD_SEPARATOR in name and isinstance(value, str | int | float) and not isinstance(value, bool)
    }


class Description(Model):
    description: str | None = None


class CommentId(Model):
    id: str


class AttachmentRef(Model):
    """A comment's attachment as `expand=attachments` lists it: an id and a name; no size, no type."""

    id: str
    display: str = ""

    def to_file(self, issue_url: str) -> FileRef:
        """Located by id; the name in the path is clean (never `..`, no separators), so it cannot change the path."""
        name = clean_name(self.display or self.id)
        url = f"{issue_url}/attachments/{quote(self.id, safe='')}/{quote(name, safe='')}"
        return FileRef(name, url, ident=self.id)


class Comment(Model):
    id: str
    text: str = ""
    created_by: UserRef
    created_at: str = ""
    attachments: list[AttachmentRef] | None = None

    def to_comment(self, key: TicketKey, issue_url: str = "") -> TrackerComment:
        files = tuple(ref.to_file(issue_url) for ref in self.attachments or ()) if issue_url else ()
        author = self.created_by.to_person()
        return TrackerComment(
            issue_key=key, comment_id=self.id, author=author, text=self.text, files=files, created_at=self.created_at
        )


class TransitionModel(Model):
    id: str
    display: str = ""
    to: Status

    def to_transition(self) -> Transition:
        return Transition(id=self.id, display=self.display, to_key=self.to.key, to_display=self.to.display)


_DEFERRED = ConfigDict(defer_build=True)


class LocalFieldModel(Model):
    """One of a queue's local fields: its full id is `<prefix>--<key>`."""

    id: str
    key: str | None = None

    def short_key(self) -> str:
        return self.key or self.id.rpartition(LOCAL_FIELD_SEPARATOR)[2]


ISSUE_KEYS = TypeAdapter(list[IssueKey], config=_DEFERRED)
LOCAL_FIELDS = TypeAdapter(list[LocalFieldModel], config=_DEFERRED)
ISSUES = TypeAdapter(list[Issue], config=_DEFERRED)
COMMENTS = TypeAdapter(list[Comment], config=_DEFERRED)
TRANSITIONS = TypeAdapter(list[TransitionModel], config=_DEFERRED)
STATUSES = TypeAdapter(list[StatusType], config=_DEFERRED)
USER_OR_LIST = TypeAdapter(list[User] | User, config=_DEFERRED)
