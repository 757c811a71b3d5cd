"""What simulated Tracker keeps (issues, comments) and the JSON its API answers with: issues with their local fields
as `<prefix>--<key>`, comments, users, queues, triggers and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.tickets import QUEUE_FIELDS
from entrypoints.sandbox.simulators.people import (
    QUEUES,
    ROBOT_LOGIN,
    ROBOT_NAME,
    ROBOT_REF,
    ROBOT_UID,
    by_uid,
)

FIELD_PREFIX = "6063181a59590578909db920"
STATUSES = {"open": "Открыт", "inProgress": "В работе", "closed": "Закрыт"}
STATUS_TYPES = {"open": "new", "inProgress": "inProgress", "closed": "done"}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Issue:
    key: str
    unique: str
    summary: str
    local_fields: dict[str, str]
    description: str = ""
    status: str = "open"
    updated_at: str = ""
    updated_by: str = ROBOT_UID
    assignee: str | None = None  # a uid
    links: tuple[tuple[str, str], ...] = ()  # (relationship, other key)


@dataclass(frozen=True)
class Comment:
    id: str
    key: str
    text: str
    author: str  # uid
    summonees: tuple[str, ...] = field(default=())
    created_at: str = field(default_factory=now)


def robot() -> dict[str, str]:
    return {"uid": ROBOT_UID, "login": ROBOT_LOGIN, "display": ROBOT_NAME}


def fields() -> list[dict[str, str]]:
    return [{"id": f"{FIELD_PREFIX}--{f.key}", "key": f.key} for f in QUEUE_FIELDS]  # as `setup` made them


def queue(key: str) -> dict[str, Any]:
    return {
        "self": f"https://api.tracker.yandex.net/v2/queues/{key}",
        "id": len(key),
        "key": key,
        "version": 3,
        "name": QUEUES[key],
    }


def trigger(body: dict[str, Any], trigger_id: int, queue: str, version: int = 1) -> dict[str, Any]:
    """A trigger as Tracker keeps it: ids and a version of its own, a condition's user (the robot, by uid or login)
    as an object."""
    conditions = [
        {**c, "user": {"id": ROBOT_UID, "login": ROBOT_LOGIN, "display": ROBOT_NAME}} if "user" in c else c
        for c in body.get("conditions", [])
    ]
    actions = [{**action, "id": n + 1} for n, action in enumerate(body.get("actions", []))]
    where = {"key": queue, "display": QUEUES.get(queue, queue)}
    return {**body, "id": trigger_id, "version": version, "queue": where, "conditions": conditions, "actions": actions}


def status(key: str) -> dict[str, str]:
    return {"key": key, "display": STATUSES[key]}


def statuses() -> list[dict[str, str]]:
    return [{**status(key), "type": STATUS_TYPES[key]} for key in STATUSES]


def issue(issue: Issue) -> dict[str, Any]:
    local = {f"{FIELD_PREFIX}--{name}": value for name, value in issue.local_fields.items()}
    author = by_uid(issue.updated_by)
    updated_by = author.tracker_ref() if author else ROBOT_REF
    fields = {"key": issue.key, "id": f"id-{issue.key}", "summary": issue.summary, "description": issue.description}
    assignee = by_uid(issue.assignee) if issue.assignee else None
    assigned = {"assignee": assignee.tracker_ref()} if assignee else {}
    people = {"createdBy": ROBOT_REF, "updatedBy": updated_by}  # every issue here was opened by the bridge
    return {**fields, "status": status(issue.status), "updatedAt": issue.updated_at, **people, **assigned, **local}


def comment(comment: Comment) -> dict[str, Any]:
    author = by_uid(comment.author)
    created_by = author.tracker_ref() if author else ROBOT_REF
    return {
        "id": comment.id,
        "longId": f"long-{comment.id}",
        "text": comment.text,
        "createdBy": created_by,
        "createdAt": comment.created_at,
    }
