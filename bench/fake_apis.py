"""Pachca and Tracker played by one local HTTP server on 127.0.0.1, with Pachca's per-chat limit on message writes.

The limit, made precise: at most 4 message writes (`POST /messages`, `PUT /messages/{id}`) per chat in any sliding
1.0 s window. A write over it is answered `429` with `Retry-After: <whole seconds until a slot frees, at least 1>`
and is not counted. A thread is also a chat in Pachca, and which chat a write into a thread counts against is not
documented: `thread_counts_as="root"` (the default, the stricter reading) counts it against the chat the thread
hangs from, `"thread"` against the thread's own chat.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from werkzeug import Request, Response
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

BOT_ID = 999
QUEUE = "SERVICEDESK"
FIELD_PREFIX = "6063181a59590578909db920"
FIELD_KEYS = ("pachcaMessageId", "pachcaChatId", "pachcaUserId", "pachcaThreadId")
WINDOW_SECONDS = 1.0
WRITES_PER_WINDOW = 4

ThreadCounting = Literal["root", "thread"]


class SlidingWindow:
    """At most `limit` accepted writes per key in any `window` seconds; refused writes are not counted."""

    def __init__(
        self,
        limit: int = WRITES_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.accepted: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: Hashable) -> float:
        """0 when the write is admitted, else how many seconds until it would be."""
        with self._lock:
            now = self.clock()
            times = self.accepted.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return times[0] + self.window - now
            times.append(now)
            return 0.0


@dataclass(frozen=True)
class FakeThread:
    thread_id: int
    chat_id: int
    message_id: int
    root_chat_id: int


@dataclass(frozen=True)
class Posted:
    message_id: int
    entity_type: str
    entity_id: int
    chat_id: int  # the chat the message is in: a thread's own chat for a thread post
    content: str
    has_buttons: bool


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        return None


class FakeApis:
    def __init__(self, thread_counts_as: ThreadCounting = "root", limit: SlidingWindow | None = None) -> None:
        self.thread_counts_as = thread_counts_as
        self.limit = limit or SlidingWindow()
        self.requests: Counter[str] = Counter()
        self.rejected = 0
        self.posts: list[Posted] = []
        self.threads: dict[int, FakeThread] = {}  # by root message id
        self._threads_by_id: dict[int, FakeThread] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.message_chats: dict[int, int] = {}
        self._ids = itertools.count(700_000)
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._routes: tuple[tuple[str, re.Pattern[str], Callable[[Request, re.Match[str]], Response]], ...] = (
            ("GET", re.compile(r"/pachca/oauth/token/info"), self._token_info),
            ("GET", re.compile(r"/pachca/users/(\d+)"), self._user),
            ("GET", re.compile(r"/pachca/users"), lambda r, m: _json({"data": []})),
            ("POST", re.compile(r"/pachca/messages/(\d+)/thread"), self._thread),
            ("POST", re.compile(r"/pachca/messages"), self._post),
            ("PUT", re.compile(r"/pachca/messages/(\d+)"), self._edit),
            ("GET", re.compile(r"/pachca/messages"), self._recent),
            ("GET", re.compile(r"/pachca/messages/(\d+)"), lambda r, m: _json({"data": {"files": []}})),
            ("GET", re.compile(r"/tracker/v2/myself"), self._myself),
            ("GET", re.compile(r"/tracker/v2/queues/([^/]+)/localFields"), self._local_fields),
            ("POST", re.compile(r"/tracker/v2/issues/?"), self._create),
            ("POST", re.compile(r"/tracker/v2/issues/_findByUnique"), self._find_by_unique),
        )

    # lifecycle
    def start(self) -> FakeApis:
        self._server = make_server("127.0.0.1", 0, self, threaded=True, request_handler=_Quiet)
        threading.Thread(target=self._server.serve_forever, name="fake-apis", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeApis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_port}"

    # what the bench tells the fake, and reads back
    def register_messages(self, chats: Iterable[tuple[int, int]]) -> None:
        """(message id, chat id) of messages people posted, so a thread opened on one knows its chat."""
        with self._lock:
            self.message_chats.update(chats)

    def issues_for(self, message_id: int) -> int:
        with self._lock:
            bodies = list(self.issues.values())
        return sum(1 for body in bodies if body.get(_field("pachcaMessageId")) == str(message_id))

    def cards_for(self, message_id: int) -> int:
        thread = self.threads.get(message_id)
        if thread is None:
            return 0
        return sum(1 for p in self.posts if p.entity_type == "thread" and p.entity_id == thread.thread_id)

    def writes_per_chat(self) -> Counter[int]:
        return Counter(self._rate_key(p.entity_type, p.entity_id) for p in self.posts)

    def outbound(self) -> int:
        return sum(self.requests.values())

    # WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self._dispatch(request)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and request.method == method:
                with self._lock:
                    self.requests[f"{method} {pattern.pattern}"] += 1
                return handler(request, match)
        return _json({"error": f"no fake for {request.method} {request.path}"}, 404)

    # Pachca
    def _token_info(self, request: Request, match: re.Match[str]) -> Response:
        return _json({"data": {"id": 1, "user_id": BOT_ID}})

    def _user(self, request: Request, match: re.Match[str]) -> Response:
        user_id = int(match[1])
        user = {
            "id": user_id,
            "first_name": "Сотрудник",
            "last_name": str(user_id),
            "nickname": f"user{user_id}",
            "email": f"user{user_id}@example.com",
            "bot": user_id == BOT_ID,
        }
        return _json({"data": user})

    def _thread(self, request: Request, match: re.Match[str]) -> Response:
        message_id = int(match[1])
        with self._lock:
            thread = self.threads.get(message_id)
            if thread is None:
                root_chat = self.message_chats.get(message_id, 0)
                thread = FakeThread(next(self._ids), next(self._ids), message_id, root_chat)
                self.threads[message_id] = thread
                self._threads_by_id[thread.thread_id] = thread
        data = {
            "id": thread.thread_id,
            "chat_id": thread.chat_id,
            "message_id": message_id,
            "message_chat_id": thread.root_chat_id,
        }
        return _json({"data": data}, 201)

    def _post(self, request: Request, match: re.Match[str]) -> Response:
        message = request.get_json()["message"]
        entity_type, entity_id = str(message.get("entity_type", "discussion")), int(message["entity_id"])
        refused = self._over_limit(self._rate_key(entity_type, entity_id))
        if refused is not None:
            return refused
        with self._lock:
            posted = Posted(
                next(self._ids),
                entity_type,
                entity_id,
                self._chat_of(entity_type, entity_id),
                str(message.get("content", "")),
                bool(message.get("buttons")),
            )
            self.posts.append(posted)
        return _json({"data": _message(posted)}, 201)

    def _edit(self, request: Request, match: re.Match[str]) -> Response:
        message_id = int(match[1])
        posted = next((p for p in self.posts if p.message_id == message_id), None)
        if posted is None:
            return _json({"errors": [{"key": "id", "value": "not_found"}]}, 404)
        refused = self._over_limit(self._rate_key(posted.entity_type, posted.entity_id))
        return refused or _json({"data": _message(posted)})

    def _recent(self, request: Request, match: re.Match[str]) -> Response:
        chat_id = int(request.args.get("chat_id", "0"))
        found = [_message(p) for p in reversed(self.posts) if p.chat_id == chat_id][:50]
        return _json({"data": found})

    def _over_limit(self, key: Hashable) -> Response | None:
        wait = self.limit.admit(key)
        if wait <= 0:
            return None
        with self._lock:
            self.rejected += 1
        body = {"errors": [{"key": "rate_limit", "value": "too many requests"}]}
        return _json(body, 429, {"Retry-After": str(max(1, math.ceil(wait)))})

    def _chat_of(self, entity_type: str, entity_id: int) -> int:
        thread = self._threads_by_id.get(entity_id) if entity_type == "thread" else None
        return thread.chat_id if thread else entity_id

    def _rate_key(self, entity_type: str, entity_id: int) -> int:
        thread = self._threads_by_id.get(entity_id) if entity_type == "thread" else None
        if thread is not None and self.thread_counts_as == "root":
            return thread.root_chat_id
        return self._chat_of(entity_type, entity_id)

    # Tracker
    def _myself(self, request: Request, match: re.Match[str]) -> Response:
        return _json({"uid": 1120000000049224, "login": "servicedesk-robot", "display": "Robot"})

    def _local_fields(self, request: Request, match: re.Match[str]) -> Response:
        return _json([{"id": _field(key), "key": key} for key in FIELD_KEYS])

    def _create(self, request: Request, match: re.Match[str]) -> Response:
        body = request.get_json()
        with self._lock:
            if any(issue.get("unique") == body.get("unique") for issue in self.issues.values()):
                return _json({"errorMessages": ["Issue already exists"], "statusCode": 409}, 409)
            key = f"{body['queue']}-{len(self.issues) + 1}"
            self.issues[key] = body
        return _json(_issue(key, body), 201)

    def _find_by_unique(self, request: Request, match: re.Match[str]) -> Response:
        unique = request.args.get("unique")
        with self._lock:
            found = next(((key, body) for key, body in self.issues.items() if body.get("unique") == unique), None)
        if found is None:
            return _json({"errorMessages": ["not found"], "statusCode": 404}, 404)
        return _json(_issue(*found))


def _field(key: str) -> str:
    return f"{FIELD_PREFIX}--{key}"


def _message(posted: Posted) -> dict[str, Any]:
    return {
        "id": posted.message_id,
        "entity_type": posted.entity_type,
        "entity_id": posted.entity_id,
        "chat_id": posted.chat_id,
        "content": posted.content,
        "user_id": BOT_ID,
        "created_at": "2026-11-27T08:18:56.000Z",
    }


def _issue(key: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "summary": body.get("summary", ""), "status": {"key": "open", "display": "Открыт"}}


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status, headers, content_type="application/json")
