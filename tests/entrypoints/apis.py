"""Pachca and Tracker played over real HTTP by pytest-httpserver, answering as the real APIs do."""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import AGENT, PACHCA_SECRET, REQUESTER, TEST_ENV, TRACKER_SECRET, dumps, sign

BOT_ID = 999
THREAD_BASE = 265000
PREFIX = "6063181a59590578909db920"


class Apis:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.ids = itertools.count(700000)
        self.issues: dict[str, dict[str, Any]] = {}
        self.posts: list[dict[str, Any]] = []
        self.fail_thread_with: int | None = None
        self._install()

    def env(self, state_url: str) -> dict[str, str]:
        return {
            **TEST_ENV,
            "PACHCA_API_URL": self.server.url_for("/pachca"),
            "TRACKER_API_URL": self.server.url_for("/tracker"),
            "STATE_URL": state_url,
        }

    def outbound(self) -> int:
        return len(self.server.log)

    def _install(self) -> None:
        s = self.server
        s.expect_request("/pachca/oauth/token/info").respond_with_json({"data": {"id": 1, "user_id": BOT_ID}})
        s.expect_request(re.compile(r"^/pachca/users/\d+$")).respond_with_handler(self._user)
        s.expect_request(re.compile(r"^/pachca/messages/\d+/thread$"), method="POST").respond_with_handler(self._thread)
        s.expect_request("/pachca/messages", method="POST").respond_with_handler(self._post)
        s.expect_request("/pachca/messages", method="GET").respond_with_json({"data": []})
        s.expect_request(re.compile(r"^/pachca/messages/\d+$"), method="GET").respond_with_json({"data": {"files": []}})
        s.expect_request("/tracker/v2/myself").respond_with_json(
            {"uid": 1120000000049224, "login": "robot", "display": "Robot"}
        )
        fields = [
            {"id": f"{PREFIX}--{k}", "key": k}
            for k in ("pachcaMessageId", "pachcaChatId", "pachcaUserId", "pachcaThreadId")
        ]
        s.expect_request("/tracker/v2/queues/SERVICEDESK/localFields").respond_with_json(fields)
        s.expect_request("/tracker/v2/issues/", method="POST").respond_with_handler(self._create)
        issue = re.compile(r"^/tracker/v2/issues/SERVICEDESK-\d+$")
        s.expect_request(issue, method="GET").respond_with_handler(self._issue)
        s.expect_request(issue, method="PATCH").respond_with_handler(self._issue)

    def _user(self, request: Request) -> Response:
        user_id = int(request.path.rsplit("/", 1)[1])
        names = {REQUESTER: ("Олег", "Петров", "olegpetrov"), AGENT: ("Иван", "Иванов", "ivan_ivanov")}
        first, last, nick = names.get(user_id, ("Гость", "", f"user{user_id}"))
        return _json(
            {
                "data": {
                    "id": user_id,
                    "first_name": first,
                    "last_name": last,
                    "nickname": nick,
                    "email": f"{nick}@example.com",
                    "bot": user_id == BOT_ID,
                }
            }
        )

    def _thread(self, request: Request) -> Response:
        if self.fail_thread_with:
            return Response("unavailable", status=self.fail_thread_with)
        message_id = int(request.path.split("/")[-2])
        return _json(
            {
                "data": {
                    "id": THREAD_BASE + message_id % 1000,
                    "chat_id": 2637266155,
                    "message_id": message_id,
                    "message_chat_id": 918264,
                    "updated_at": "2026-11-27T08:18:55.000Z",
                }
            },
            201,
        )

    def _post(self, request: Request) -> Response:
        body = request.get_json()["message"]
        self.posts.append(body)
        message_id = next(self.ids)
        return _json(
            {
                "data": {
                    "id": message_id,
                    "entity_type": body.get("entity_type", "discussion"),
                    "entity_id": body["entity_id"],
                    "chat_id": 2637266155,
                    "content": body["content"],
                    "user_id": BOT_ID,
                    "created_at": "2026-11-27T08:18:56.000Z",
                }
            },
            201,
        )

    def _create(self, request: Request) -> Response:
        body = request.get_json()
        for issue in self.issues.values():
            if issue["unique"] == body["unique"]:
                return _json({"errorMessages": ["duplicate"], "statusCode": 409}, 409)
        key = f"SERVICEDESK-{len(self.issues) + 1}"
        self.issues[key] = body
        return _json(
            {
                "key": key,
                "id": "593cd211ef7e8a332414f2a7",
                "summary": body["summary"],
                "status": {"key": "open", "display": "Открыт"},
            },
            201,
        )

    def _issue(self, request: Request) -> Response:
        """An issue as created, its description changed by a PATCH."""
        key = request.path.rsplit("/", 1)[1]
        if key not in self.issues:
            return _json({"errorMessages": ["not found"], "statusCode": 404}, 404)
        if request.method == "PATCH":
            self.issues[key]["description"] = request.get_json()["description"]
        stored = self.issues[key]
        status = {"key": "open", "display": "Открыт"}
        return _json({"key": key, "summary": stored["summary"], "description": stored["description"], "status": status})


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


def pachca_body(message_id: int = 56431, **overrides: Any) -> dict[str, Any]:
    return {
        "event": "new",
        "type": "message",
        "webhook_timestamp": int(time.time()),
        "chat_id": 918264,
        "content": "Не работает вход в 1С",
        "user_id": REQUESTER,
        "id": message_id,
        "created_at": "2026-11-27T08:18:54.000Z",
        "parent_message_id": None,
        "entity_type": "discussion",
        "entity_id": 918264,
        "thread": None,
        "url": f"https://app.pachca.com/chats/918264?message={message_id}",
        **overrides,
    }


def signed(payload: Any, secret: str = PACHCA_SECRET) -> tuple[bytes, dict[str, str]]:
    raw = dumps(payload)
    return raw, {"Content-Type": "application/json", "pachca-signature": sign(raw, secret)}


def tracker_headers(secret: str = TRACKER_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=UTF-8", "X-Tracker-Secret": secret}
