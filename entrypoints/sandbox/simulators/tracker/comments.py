"""Comments on simulated Tracker issues: added by the robot through the API or by people in Tracker, listed oldest
first with an `id` cursor, edited by PATCH. A person's comment without an internal-note marker fires the comment
trigger, as the trigger `setup` creates would (`CommentAuthorNot` the robot, `CommentNoneMatchCondition`)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from entrypoints.sandbox.simulators.http import Answer, Call, answer, not_found
from entrypoints.sandbox.simulators.people import ROBOT_UID
from entrypoints.sandbox.simulators.tracker import records as shape
from entrypoints.sandbox.simulators.tracker.records import Comment

INTERNAL_MARKERS = ("#внутр", "#internal")


class Comments:
    def __init__(
        self,
        issues: Mapping[str, object],
        fire: Callable[[dict[str, Any]], None],
        touch: Callable[[str, str], None] = lambda key, uid: None,
    ) -> None:
        self.issues = issues
        self.fire = fire
        self.touch = touch  # a comment updates its issue, as in Tracker
        self.comments: list[Comment] = []
        self.ids = itertools.count(800001)
        self.lock = threading.RLock()
        self.routes: list[tuple[str, Callable[..., Answer]]] = [
            ("POST /tracker/v2/issues/{key}/comments", self._add),
            ("GET /tracker/v2/issues/{key}/comments", self._list),
            ("GET /tracker/v2/issues/{key}/comments/{id}", self._get),
            ("PATCH /tracker/v2/issues/{key}/comments/{id}", self._edit),
        ]

    def comment_as(self, uid: str, key: str, text: str) -> str:
        """A person writes a comment in Tracker."""
        with self.lock:
            comment = Comment(str(next(self.ids)), key, text, uid)
            self.comments.append(comment)
        self.touch(key, uid)
        if not any(marker in text.casefold() for marker in INTERNAL_MARKERS):
            self.fire({"type": "issueCommentEvent", "issue": {"key": key}, "comment": {"id": comment.id}})
        return comment.id

    def _add(self, call: Call, key: str) -> Answer:
        body = call.json()
        with self.lock:
            if key not in self.issues:
                return not_found()
            comment = Comment(str(next(self.ids)), key, body["text"], ROBOT_UID, tuple(body.get("summonees", ())))
            self.comments.append(comment)
        self.touch(key, ROBOT_UID)
        return answer(shape.comment(comment), 201)

    def _list(self, call: Call, key: str) -> Answer:
        per_page, after = int(call.args.get("perPage", 50)), int(call.args.get("id", 0))
        with self.lock:
            later = [c for c in self.comments if c.key == key and int(c.id) > after]
        page, headers = later[:per_page], {}
        if len(later) > per_page:
            headers["Link"] = f'<{call.base_url}?perPage={per_page}&id={page[-1].id}>; rel="next"'
        return answer([shape.comment(c) for c in page], headers=headers)

    def _get(self, call: Call, key: str, comment_id: str) -> Answer:
        found = self._find(key, comment_id)
        return answer(shape.comment(found)) if found else not_found()

    def _edit(self, call: Call, key: str, comment_id: str) -> Answer:
        with self.lock:
            found = self._find(key, comment_id)
            if found is None:
                return not_found()
            edited = replace(found, text=call.json().get("text", found.text))
            self.comments[self.comments.index(found)] = edited
        return answer(shape.comment(edited))

    def _find(self, key: str, comment_id: str) -> Comment | None:
        with self.lock:
            return next((c for c in self.comments if c.key == key and c.id == comment_id), None)
