"""Yandex Tracker's REST API (v2) as the bridge uses it, simulated: issues, comments, transitions, users.

As Tracker does: `unique` makes creating an issue idempotent (a second create answers `409`); local fields come
back as `<prefix>--<key>`; a workflow offers its transitions, and statuses have types. The triggers `setup` creates
are played too (`on_trigger`): a status change, and a person's comment (`comments`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from entrypoints.sandbox.simulators.http import Answer, Call, answer, not_found
from entrypoints.sandbox.simulators.people import PEOPLE, QUEUE, QUEUES, ROBOT_UID
from entrypoints.sandbox.simulators.tracker import records as shape
from entrypoints.sandbox.simulators.tracker.comments import Comments
from entrypoints.sandbox.simulators.tracker.records import Issue

WORKFLOW = {  # status: (transition id, its name, the status it leads to)
    "open": (("start_progress", "Взять в работу", "inProgress"), ("close", "Закрыть", "closed")),
    "inProgress": (("close", "Закрыть", "closed"), ("stop_progress", "Вернуть", "open")),
    "closed": (("reopen", "Переоткрыть", "open"),),
}

Trigger = Callable[[dict[str, Any]], object]  # what it answers is not read


class Tracker:
    def __init__(self, on_trigger: Trigger | None = None) -> None:
        self.on_trigger = on_trigger
        self.issues: dict[str, Issue] = {}
        self.lock = threading.RLock()
        self.triggers: list[dict[str, Any]] = []  # what `setup` made in the queue
        self.notes = Comments(self.issues, self._fire, self._touch)
        self.searches = 0  # `_search` calls, the poll-mode bench counts them
        self.comments = self.notes.comments
        self.routes: list[tuple[str, Callable[..., Answer]]] = [
            ("GET /tracker/v2/myself", lambda call: answer(shape.robot())),
            ("GET /tracker/v2/queues/{queue}/localFields", lambda call, queue: answer(shape.fields())),
            ("GET /tracker/v2/queues", lambda call: answer([shape.queue(key) for key in QUEUES])),
            ("GET /tracker/v2/queues/{queue}", self._queue),
            ("GET /tracker/v2/queues/{queue}/triggers", self._triggers),
            ("POST /tracker/v2/queues/{queue}/triggers", self._create_trigger),
            ("PATCH /tracker/v2/queues/{queue}/triggers/{id}", self._update_trigger),
            ("POST /tracker/v2/issues/", self._create),
            ("POST /tracker/v2/issues/_findByUnique", self._by_unique),
            ("POST /tracker/v2/issues/_search", self._search),
            ("GET /tracker/v2/issues/{key}", self._get),
            ("PATCH /tracker/v2/issues/{key}", self._edit),
            ("POST /tracker/v2/issues/{key}/links", self._link),
            *self.notes.routes,
            ("GET /tracker/v2/issues/{key}/transitions", self._transitions),
            ("POST /tracker/v2/issues/{key}/transitions/{id}/_execute", self._execute),
            ("GET /tracker/v2/users/{login}", self._user),
            ("GET /tracker/v2/statuses", lambda call: answer(shape.statuses())),
        ]

    # what people do in Tracker (the sandbox's page, or a test)
    def comment_as(self, uid: str, key: str, text: str) -> str:
        return self.notes.comment_as(uid, key, text)

    def move(self, key: str, transition_id: str, uid: str) -> bool:
        """Runs a transition the workflow offers now; False when it offers no such move."""
        with self.lock:
            issue = self.issues[key]
            found = [t for t in WORKFLOW[issue.status] if t[0] == transition_id]
            if not found:
                return False
            self.issues[key] = replace(issue, status=found[0][2], updated_at=shape.now(), updated_by=uid)
        self._fire({"type": "issueStatusEvent", "issue": {"key": key}})
        return True

    def assign(self, key: str, assignee_uid: str, uid: str) -> None:
        """Someone (`uid`) makes `assignee_uid` the issue's assignee."""
        with self.lock:
            issue = self.issues[key]
            self.issues[key] = replace(issue, assignee=assignee_uid, updated_at=shape.now(), updated_by=uid)
        self._fire({"type": "issueAssigneeEvent", "issue": {"key": key}})

    def _touch(self, key: str, uid: str) -> None:
        with self.lock:
            issue = self.issues.get(key)
            if issue is not None:
                self.issues[key] = replace(issue, updated_at=shape.now(), updated_by=uid)

    def _fire(self, trigger: dict[str, Any]) -> None:
        if self.on_trigger is not None:
            self.on_trigger(trigger)

    # the API
    def _queue(self, call: Call, key: str) -> Answer:
        return answer(shape.queue(key)) if key in QUEUES else not_found()

    def _triggers(self, call: Call, queue: str) -> Answer:
        with self.lock:
            return answer([t for t in self.triggers if t["queue"]["key"] == queue])

    def _create_trigger(self, call: Call, queue: str) -> Answer:
        with self.lock:
            trigger = shape.trigger(call.json(), len(self.triggers) + 1, queue)
            self.triggers.append(trigger)
        return answer(trigger)

    def _update_trigger(self, call: Call, queue: str, trigger_id: str) -> Answer:
        with self.lock:
            found = next((t for t in self.triggers if str(t["id"]) == trigger_id), None)
            if found is None:
                return not_found()
            if call.args.get("version") != str(found["version"]):
                return answer({"errorMessages": ["version conflict"], "statusCode": 409}, 409)
            updated = shape.trigger(call.json(), found["id"], queue, found["version"] + 1)
            self.triggers[self.triggers.index(found)] = updated
        return answer(updated)

    def _create(self, call: Call) -> Answer:
        body = call.json()
        with self.lock:
            if any(issue.unique == body["unique"] for issue in self.issues.values()):
                return answer({"errorMessages": ["Задача с таким unique уже существует"], "statusCode": 409}, 409)
            local = {
                k.removeprefix(f"{shape.FIELD_PREFIX}--"): str(v)
                for k, v in body.items()
                if k.startswith(shape.FIELD_PREFIX)
            }
            key = f"{body.get('queue') or QUEUE}-{len(self.issues) + 1}"
            issue = Issue(
                key, body["unique"], body["summary"], local, body.get("description", ""), updated_at=shape.now()
            )
            self.issues[key] = issue
        return answer(shape.issue(issue), 201)

    def _by_unique(self, call: Call) -> Answer:
        with self.lock:
            found = [issue for issue in self.issues.values() if issue.unique == call.args.get("unique")]
        return answer(shape.issue(found[0])) if found else not_found()

    def _search(self, call: Call) -> Answer:
        """Understands the queries the bridge makes: by `pachcaMessageId`, open ones by `pachcaUserId` (each in the
        queue it names, `Queue: <key>`), and a queue's issues updated in the last N minutes (`Updated: >= now()-Nm`),
        least recently updated first."""
        query = call.json().get("query", "")
        with self.lock:
            self.searches += 1
        recent = re.search(r"Queue: (\w+) Updated: >= now\(\)-(\d+)m", query)
        if recent:
            return self._updated(recent.group(1), int(recent.group(2)), int(call.args.get("perPage", 50)))
        wanted = dict(re.findall(r'\.(pachca\w+): "(\d+)"', query))
        queue = re.search(r"Queue: (\w+)", query)
        open_only = "Resolution: empty()" in query
        with self.lock:
            found = [
                i
                for i in self.issues.values()
                if wanted and all(i.local_fields.get(k) == v for k, v in wanted.items())
                if queue is None or i.key.rsplit("-", 1)[0] == queue.group(1)
                if not (open_only and i.status == "closed")
            ]
        return answer([shape.issue(issue) for issue in found])

    def _updated(self, queue: str, minutes: int, per_page: int) -> Answer:
        since = datetime.now(UTC) - timedelta(minutes=minutes)
        with self.lock:
            found = [
                i
                for i in self.issues.values()
                if i.key.startswith(f"{queue}-") and datetime.fromisoformat(i.updated_at) >= since
            ]
        found.sort(key=lambda i: i.updated_at)
        return answer([shape.issue(issue) for issue in found[:per_page]])

    def _get(self, call: Call, key: str) -> Answer:
        with self.lock:
            issue = self.issues.get(key)
        return answer(shape.issue(issue)) if issue else not_found()

    def _edit(self, call: Call, key: str) -> Answer:
        """A PATCH changes the fields it names: the description, the assignee (by login), local fields."""
        body = call.json()
        with self.lock:
            issue = self.issues.get(key)
            if issue is None:
                return not_found()
            assignee = next((p for p in PEOPLE if p.login == body.get("assignee")), None)
            if "assignee" in body and assignee is None:
                return answer({"errorMessages": ["Пользователь не найден"], "statusCode": 422}, 422)
            changes: dict[str, Any] = {name: str(body[name]) for name in ("summary", "description") if name in body}
            if assignee is not None:
                changes["assignee"] = assignee.uid
            prefix = f"{shape.FIELD_PREFIX}--"
            local = {k.removeprefix(prefix): str(v) for k, v in body.items() if k.startswith(prefix)}
            if local:
                changes["local_fields"] = {**issue.local_fields, **local}
            self.issues[key] = issue = replace(issue, **changes, updated_at=shape.now())
        if "assignee" in body:
            self._fire({"type": "issueAssigneeEvent", "issue": {"key": key}})
        return answer(shape.issue(issue))

    def _link(self, call: Call, key: str) -> Answer:
        body = call.json()
        with self.lock:
            issue, other = self.issues.get(key), self.issues.get(str(body.get("issue")))
            if issue is None or other is None:
                return not_found()
            link = (str(body.get("relationship")), other.key)
            if link in issue.links:
                return answer({"errorMessages": ["Связь уже существует"], "statusCode": 409}, 409)
            self.issues[key] = replace(issue, links=(*issue.links, link))
        return answer({"id": len(issue.links) + 1, "type": {"id": link[0]}, "object": {"key": other.key}}, 201)

    def _transitions(self, call: Call, key: str) -> Answer:
        with self.lock:
            issue = self.issues.get(key)
        if issue is None:
            return not_found()
        moves = [{"id": t, "display": name, "to": shape.status(to)} for t, name, to in WORKFLOW[issue.status]]
        return answer(moves)

    def _execute(self, call: Call, key: str, transition_id: str) -> Answer:
        if key not in self.issues:
            return not_found()
        if not self.move(key, transition_id, ROBOT_UID):
            return answer({"errorMessages": ["Переход недоступен"], "statusCode": 409}, 409)
        return answer([])

    def _user(self, call: Call, login: str) -> Answer:
        found = [p for p in PEOPLE if p.login == login]
        if not found:
            return not_found()
        p = found[0]
        return answer({"uid": p.uid, "login": p.login, "display": p.display_name, "email": p.email})
