"""Pachca, Tracker and the Yandex 360 directory as one stateful fake over real HTTP, recording every effect.

The world keeps what the bridge did to it (threads opened, messages posted, issues created, comments added) so a
test can count each effect, and it injects faults per route: an error status (with `Retry-After`), an answer held
longer than the client waits (a timeout), the effect committed before the fault ("commit then fail") or not at all.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from domain.model import unique_for_message
from tests.conftest import AGENT, REQUESTER, TEST_ENV

BOT_ID = 999
ROBOT_UID = "1120000000049224"
QUEUE = "SERVICEDESK"
SUPPORT_CHATS = 10  # people write in ten support chats: the bot's writes are limited per chat (about 4 a second)
Y360_ORG = "4417"
FIELD_PREFIX = "6063181a59590578909db920"
LOCAL_FIELDS = ("pachcaMessageId", "pachcaChatId", "pachcaUserId", "pachcaThreadId")
THREAD_BASE = 265000
THREAD_CHAT_BASE = 2637266000  # every thread is a chat of its own

# the routes faults are injected on, named as the world dispatches them
THREAD_OPEN = "POST /pachca/messages/{id}/thread"
MESSAGE_POST = "POST /pachca/messages"
MESSAGE_LIST = "GET /pachca/messages"
ISSUE_CREATE = "POST /tracker/v2/issues/"
COMMENT_ADD = "POST /tracker/v2/issues/{key}/comments"
COMMENT_LIST = "GET /tracker/v2/issues/{key}/comments"
DIRECTORY = "GET /y360/directory/v1/org/{org}/users"


@dataclass(frozen=True)
class Human:
    pachca_id: int
    first_name: str
    last_name: str
    nickname: str  # in Pachca
    email: str
    login: str  # in Tracker and the directory: not the Pachca nickname, so a mention must be mapped by e-mail
    uid: str

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


OLEG = Human(REQUESTER, "Олег", "Петров", "olegpetrov", "olegp@example.com", "opetrov", "1130000000000412")
IVAN = Human(AGENT, "Иван", "Иванов", "ivan_ivanov", "ivanov@example.com", "iivanov", "1130000000002001")
PEOPLE = (OLEG, IVAN)


@dataclass
class Fault:
    """What the next `times` requests on a route get instead of a plain answer (`times=None`: until healed)."""

    status: int | None = None
    retry_after: float | None = None
    commit: bool = False  # apply the request's effect before failing or stalling
    delay: float = 0.0  # hold the answer this long, or until released: longer than the client waits is a timeout
    times: int | None = 1
    hits: int = 0
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def response(self) -> Response:
        headers = {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}
        return _json({"error": "injected fault", "status": self.status}, self.status or 500, headers)


def support_chat(message_id: int) -> int:
    """The chat a person wrote message `message_id` in."""
    return 918264 + message_id % SUPPORT_CHATS


@dataclass(frozen=True)
class Thread:
    id: int
    chat_id: int
    message_id: int
    root_chat_id: int


@dataclass(frozen=True)
class Post:
    id: int
    chat_id: int
    entity_type: str
    entity_id: int
    content: str
    buttons: list[Any]


@dataclass(frozen=True)
class Issue:
    key: str
    unique: str
    summary: str
    local_fields: dict[str, str]


@dataclass(frozen=True)
class Comment:
    id: str
    key: str
    text: str
    author: str  # uid
    summonees: tuple[str, ...]


Handler = Callable[..., Response]


class World:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.threads: dict[int, Thread] = {}  # by root message id
        self.posts: list[Post] = []
        self.issues: dict[str, Issue] = {}
        self.comments: list[Comment] = []
        self.arrivals: list[tuple[str, float]] = []  # every request: its route and when it came
        self.unrouted: list[str] = []
        self.faults_injected = 0
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.RLock()
        self._ids = itertools.count(700001)
        self._routes: list[tuple[str, Handler]] = [
            ("GET /pachca/oauth/token/info", self._token_info),
            ("GET /pachca/users/{id}", self._pachca_user),
            ("GET /pachca/users", self._pachca_search),
            (THREAD_OPEN, self._open_thread),
            (MESSAGE_POST, self._post_message),
            (MESSAGE_LIST, self._list_messages),
            ("GET /pachca/messages/{id}", self._get_message),
            ("GET /tracker/v2/myself", self._myself),
            ("GET /tracker/v2/queues/{queue}/localFields", self._fields),
            (ISSUE_CREATE, self._create_issue),
            ("POST /tracker/v2/issues/_findByUnique", self._by_unique),
            ("POST /tracker/v2/issues/_search", self._search),
            ("GET /tracker/v2/issues/{key}", self._get_issue),
            (COMMENT_ADD, self._add_comment),
            (COMMENT_LIST, self._list_comments),
            ("GET /tracker/v2/issues/{key}/comments/{id}", self._get_comment),
            ("GET /tracker/v2/users/{login}", self._tracker_user),
            (DIRECTORY, self._directory),
        ]
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    def env(self, state_url: str) -> dict[str, str]:
        return {
            **TEST_ENV,
            "PACHCA_API_URL": self.server.url_for("/pachca"),
            "TRACKER_API_URL": self.server.url_for("/tracker"),
            "Y360_API_URL": self.server.url_for("/y360"),
            "Y360_OAUTH": "y360-token-0123456789",
            "Y360_ORG_ID": Y360_ORG,
            "TRACKER_QUEUE": QUEUE,
            "STATE_URL": state_url,
            "LOG_LEVEL": "WARNING",
        }

    # faults
    def inject(
        self,
        route: str,
        status: int | None = None,
        *,
        retry_after: float | None = None,
        commit: bool = False,
        delay: float = 0.0,
        times: int | None = 1,
    ) -> Fault:
        """Queues a fault on `route`: requests meet the faults queued there in order, then plain answers."""
        fault = Fault(status, retry_after, commit, delay, times)
        with self._lock:
            self._faults.setdefault(route, []).append(fault)
        return fault

    def heal(self) -> None:
        """Ends every fault; held answers are let go."""
        with self._lock:
            faults, self._faults = self._faults, {}
        for fault in itertools.chain.from_iterable(faults.values()):
            fault.released.set()

    def _take_fault(self, route: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(route, [])
            if not queue:
                return None
            fault = queue[0]
            fault.hits += 1
            self.faults_injected += 1
            if fault.times is not None and fault.hits >= fault.times:
                queue.pop(0)
            return fault

    # what the bridge did
    def received(self, route: str) -> int:
        return sum(1 for name, _ in self.arrivals if name == route)

    def arrival_times(self, route: str) -> list[float]:
        return [at for name, at in self.arrivals if name == route]

    def issue_of(self, message_id: int) -> Issue:
        [issue] = [issue for issue in self.issues.values() if issue.unique == unique_for_message(message_id)]
        return issue

    def thread_of(self, message_id: int) -> Thread:
        return self.threads[message_id]

    def thread_of_issue(self, key: str) -> Thread:
        return self.thread_of(int(self.issues[key].local_fields["pachcaMessageId"]))

    def posts_in(self, thread: Thread) -> list[Post]:
        return [post for post in self.posts if post.chat_id == thread.chat_id]

    def cards_of(self, key: str) -> list[Post]:
        return [
            post for post in self.posts_in(self.thread_of_issue(key)) if post.content.startswith(f"Заявка **{key}**")
        ]

    def comments_on(self, key: str) -> list[Comment]:
        return [comment for comment in self.comments if comment.key == key]

    def duplicates(self) -> list[str]:
        """Effects found more than once: issues per `unique`, posts per chat and text, comments per issue and text."""
        with self._lock:
            counts: Counter[tuple[str, ...]] = Counter(("issue", issue.unique) for issue in self.issues.values())
            counts.update(("post", str(post.chat_id), post.content) for post in self.posts)
            counts.update(("comment", comment.key, comment.text) for comment in self.comments)
        return [" ".join(effect) + f" x{n}" for effect, n in counts.items() if n > 1]

    def assert_one_ticket_each(self, message_ids: list[int]) -> None:
        """Each message: one issue carrying its thread, one card in that thread; nothing else, nothing twice."""
        assert self.duplicates() == []
        for message_id in message_ids:
            issue = self.issue_of(message_id)
            thread = self.thread_of(message_id)
            assert issue.local_fields["pachcaThreadId"] == str(thread.id)
            assert len(self.cards_of(issue.key)) == 1, f"cards of {issue.key}: {self.cards_of(issue.key)}"
        assert len(self.issues) == len(message_ids) == len(self.threads)

    def comment_as(self, human: Human, key: str, text: str) -> str:
        """A person writes a comment in Tracker (the trigger that follows is the test's to send)."""
        with self._lock:
            comment = Comment(str(next(self._ids)), key, text, human.uid, ())
            self.comments.append(comment)
        return comment.id

    # plumbing
    def _dispatch(self, request: Request) -> Response:
        route, handler, args = self._route(request)
        with self._lock:
            self.arrivals.append((route, time.monotonic()))
        fault = self._take_fault(route)
        if fault is None:
            return handler(request, *args)
        committed = handler(request, *args) if fault.commit else None
        fault.arrived.set()
        if fault.delay:
            fault.released.wait(fault.delay)
        if fault.status is not None:
            return fault.response()
        return committed if committed is not None else handler(request, *args)

    def _route(self, request: Request) -> tuple[str, Handler, tuple[str, ...]]:
        for name, handler in self._routes:
            method, path = name.split(" ", 1)
            match = re.fullmatch(_PLACEHOLDER.sub("([^/]+)", path), request.path)
            if method == request.method and match:
                return name, handler, match.groups()
        self.unrouted.append(f"{request.method} {request.path}")
        return "unrouted", _not_found, ()

    # Pachca
    def _token_info(self, request: Request) -> Response:
        return _json({"data": {"id": 1, "user_id": BOT_ID}})

    def _pachca_user(self, request: Request, user_id: str) -> Response:
        return _json({"data": _pachca_person(int(user_id))})

    def _pachca_search(self, request: Request) -> Response:
        query = request.args.get("query", "").casefold()
        found = [p for p in PEOPLE if query and query in (p.email, p.nickname, p.display_name.casefold())]
        return _json({"data": [_pachca_person(p.pachca_id) for p in found]})

    def _open_thread(self, request: Request, message_id: str) -> Response:
        """Idempotent, as Pachca's is: a message has one thread, and asking again returns it."""
        with self._lock:
            thread = self.threads.get(int(message_id))
            if thread is None:
                n = len(self.threads) + 1
                thread = Thread(THREAD_BASE + n, THREAD_CHAT_BASE + n, int(message_id), support_chat(int(message_id)))
                self.threads[thread.message_id] = thread
        body = {"id": thread.id, "chat_id": thread.chat_id, "message_id": thread.message_id}
        return _json({"data": {**body, "message_chat_id": thread.root_chat_id, "updated_at": _NOW}}, 201)

    def _post_message(self, request: Request) -> Response:
        message = request.get_json()["message"]
        entity_type, entity_id = message.get("entity_type", "discussion"), int(message["entity_id"])
        with self._lock:
            chat_id = entity_id
            if entity_type == "thread":
                [chat_id] = [t.chat_id for t in self.threads.values() if t.id == entity_id]
            post = Post(
                next(self._ids), chat_id, entity_type, entity_id, message["content"], message.get("buttons", [])
            )
            self.posts.append(post)
        return _json({"data": _message(post)}, 201)

    def _list_messages(self, request: Request) -> Response:
        chat_id, limit = int(request.args["chat_id"]), int(request.args.get("limit", 50))
        with self._lock:
            newest_first = [_message(post) for post in reversed(self.posts) if post.chat_id == chat_id]
        return _json({"data": newest_first[:limit]})

    def _get_message(self, request: Request, message_id: str) -> Response:
        return _json({"data": {"id": int(message_id), "files": []}})  # people's messages here carry no files

    # Tracker
    def _myself(self, request: Request) -> Response:
        return _json({"uid": ROBOT_UID, "login": "robot-servicedesk", "display": "Робот ServiceDesk"})

    def _fields(self, request: Request, queue: str) -> Response:
        return _json([{"id": f"{FIELD_PREFIX}--{name}", "key": name} for name in LOCAL_FIELDS])

    def _create_issue(self, request: Request) -> Response:
        """`unique` makes creation idempotent: a second create answers 409, as Tracker does."""
        body = request.get_json()
        with self._lock:
            if any(issue.unique == body["unique"] for issue in self.issues.values()):
                return _json({"errorMessages": ["Задача с таким unique уже существует"], "statusCode": 409}, 409)
            local = {
                name.removeprefix(f"{FIELD_PREFIX}--"): str(value)
                for name, value in body.items()
                if name.startswith(f"{FIELD_PREFIX}--")
            }
            issue = Issue(f"{QUEUE}-{len(self.issues) + 1}", body["unique"], body["summary"], local)
            self.issues[issue.key] = issue
        return _json(_issue(issue), 201)

    def _by_unique(self, request: Request) -> Response:
        unique = request.args.get("unique")
        with self._lock:
            found = [issue for issue in self.issues.values() if issue.unique == unique]
        return _json(_issue(found[0])) if found else _not_found(request)

    def _search(self, request: Request) -> Response:
        match = re.search(r'pachcaMessageId: "(\d+)"', request.get_json().get("query", ""))
        with self._lock:
            found = [i for i in self.issues.values() if match and i.local_fields.get("pachcaMessageId") == match[1]]
        return _json([_issue(issue) for issue in found])

    def _get_issue(self, request: Request, key: str) -> Response:
        with self._lock:
            issue = self.issues.get(key)
        return _json(_issue(issue)) if issue else _not_found(request)

    def _add_comment(self, request: Request, key: str) -> Response:
        body = request.get_json()
        with self._lock:
            comment = Comment(str(next(self._ids)), key, body["text"], ROBOT_UID, tuple(body.get("summonees", ())))
            self.comments.append(comment)
        return _json(_comment(comment), 201)

    def _list_comments(self, request: Request, key: str) -> Response:
        """As Tracker pages them: oldest first, `perPage` (50) at a time, the next page after the `id` cursor."""
        per_page, after = int(request.args.get("perPage", 50)), int(request.args.get("id", 0))
        with self._lock:
            later = [comment for comment in self.comments if comment.key == key and int(comment.id) > after]
        page = later[:per_page]
        headers = {}
        if len(later) > per_page:
            headers["Link"] = f'<{request.base_url}?perPage={per_page}&id={page[-1].id}>; rel="next"'
        return _json([_comment(comment) for comment in page], headers=headers)

    def _get_comment(self, request: Request, key: str, comment_id: str) -> Response:
        with self._lock:
            found = [c for c in self.comments if c.key == key and c.id == comment_id]
        return _json(_comment(found[0])) if found else _not_found(request)

    def _tracker_user(self, request: Request, login: str) -> Response:
        found = [p for p in PEOPLE if p.login == login]
        if not found:
            return _not_found(request)
        person = found[0]
        return _json({"uid": person.uid, "login": person.login, "display": person.display_name, "email": person.email})

    # the Yandex 360 directory
    def _directory(self, request: Request, org: str) -> Response:
        users = [
            {
                "id": p.uid,
                "nickname": p.login,
                "email": p.email,
                "name": {"first": p.first_name, "last": p.last_name},
            }
            for p in PEOPLE
        ]
        return _json({"users": users, "page": 1, "pages": 1, "perPage": 1000, "total": len(users)})


_NOW = "2026-11-27T08:18:55.000Z"
_PLACEHOLDER = re.compile(r"\{\w+\}")


def _pachca_person(user_id: int) -> dict[str, Any]:
    for p in PEOPLE:
        if p.pachca_id == user_id:
            names = {"first_name": p.first_name, "last_name": p.last_name, "nickname": p.nickname, "email": p.email}
            return {"id": user_id, **names, "bot": False}
    if user_id == BOT_ID:
        return {"id": BOT_ID, "first_name": "ServiceDesk", "last_name": "", "nickname": "servicedesk_bot", "bot": True}
    return {"id": user_id, "first_name": "Гость", "last_name": "", "nickname": f"user{user_id}", "bot": False}


def _message(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "entity_type": post.entity_type,
        "entity_id": post.entity_id,
        "chat_id": post.chat_id,
        "content": post.content,
        "user_id": BOT_ID,
        "created_at": _NOW,
    }


def _issue(issue: Issue) -> dict[str, Any]:
    local = {f"{FIELD_PREFIX}--{name}": value for name, value in issue.local_fields.items()}
    status = {"key": "open", "display": "Открыт"}
    return {"key": issue.key, "id": f"id-{issue.key}", "summary": issue.summary, "status": status, **local}


def _comment(comment: Comment) -> dict[str, Any]:
    author = next((p for p in PEOPLE if p.uid == comment.author), None)
    created_by = (
        {"id": author.uid, "display": author.display_name, "login": author.login}
        if author
        else {"id": ROBOT_UID, "display": "Робот ServiceDesk", "login": "robot-servicedesk"}
    )
    return {"id": comment.id, "longId": f"long-{comment.id}", "text": comment.text, "createdBy": created_by}


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status, headers, content_type="application/json")


def _not_found(request: Request) -> Response:
    return _json({"errorMessages": ["Not found"], "statusCode": 404}, 404)
