"""Pachca's REST API as the bridge uses it, simulated: users, threads, messages (with buttons and edits), forms.

Where the bridge can tell, it answers as Pachca does: a message has one thread and asking again returns it; a
write into a thread lands in the thread's own chat; message writes are limited per chat (`SlidingWindow`).
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from entrypoints.sandbox.simulators.http import Answer, Call, answer
from entrypoints.sandbox.simulators.pachca.history import EventHistory
from entrypoints.sandbox.simulators.pachca.ratelimit import SlidingWindow
from entrypoints.sandbox.simulators.people import BOT_ID, PEOPLE, pachca_person

BOT_CHATS = {918264: "Поддержка", 918300: "ИТ-помощь", 918400: "Флудилка"}  # the chats the bot was added to
THREAD_BASE = 265000
THREAD_CHAT_BASE = 2637266000  # every thread is a chat of its own
NOW = "2026-11-27T08:18:55.000Z"


@dataclass(frozen=True)
class Thread:
    id: int
    chat_id: int
    message_id: int
    root_chat_id: int


@dataclass(frozen=True)
class Post:
    """A message in a chat; `user_id` is the bot's for what the bridge posted."""

    id: int
    chat_id: int
    entity_type: str
    entity_id: int
    content: str
    buttons: list[Any]
    user_id: int = BOT_ID
    edits: int = 0


@dataclass(frozen=True)
class Form:
    trigger_id: str
    callback_id: str
    private_metadata: str
    view: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # the bot's answer to a submission: shown by each field
    values: dict[str, str] = field(default_factory=dict)  # what was submitted, kept while the form stays open


class Pachca:
    def __init__(self, limit: SlidingWindow | None = None, chat_of: Callable[[int], int] = lambda _: 0) -> None:
        self.limit = limit
        self.chat_of = chat_of  # the chat of a message nobody told the simulator about
        self.threads: dict[int, Thread] = {}  # by root message id
        self.posts: list[Post] = []  # what the bot posted
        self.said: list[Post] = []  # what people wrote
        self.forms: list[Form] = []
        self.message_chats: dict[int, int] = {}
        self.rejected = 0
        self.webhook_url = ""  # where the bot's outgoing webhook points (`PUT /bot/webhook`)
        self.ids = itertools.count(700001)
        self.lock = threading.RLock()
        self.history = EventHistory()
        self.routes: list[tuple[str, Callable[..., Answer]]] = [
            *self.history.routes,
            ("GET /pachca/oauth/token/info", lambda call: answer({"data": {"id": 1, "user_id": BOT_ID}})),
            ("GET /pachca/users/{id}", lambda call, user_id: answer({"data": pachca_person(int(user_id))})),
            ("GET /pachca/users", self._search),
            ("POST /pachca/messages/{id}/thread", self._open_thread),
            ("POST /pachca/messages", self._post),
            ("PUT /pachca/messages/{id}", self._edit),
            ("GET /pachca/messages/{id}", self._get),
            ("GET /pachca/messages", self._list),
            ("POST /pachca/views/open", self._open_view),
            ("PUT /pachca/bot/webhook", self._set_webhook),
            ("GET /pachca/chats", self._chats),
        ]

    # what people do (the sandbox's page, or a test)
    def say(self, user_id: int, chat_id: int, content: str, thread: Thread | None = None) -> Post:
        with self.lock:
            where = ("thread", thread.id, thread.chat_id) if thread else ("discussion", chat_id, chat_id)
            post = Post(next(self.ids), where[2], where[0], where[1], content, [], user_id)
            self.said.append(post)
            self.message_chats[post.id] = where[2]
        return post

    def take_form(self, trigger_id: str) -> Form | None:
        """The open form a person submits: it closes."""
        with self.lock:
            found = next((form for form in self.forms if form.trigger_id == trigger_id), None)
            if found is not None:
                self.forms.remove(found)
        return found

    def reopen_form(self, form: Form) -> None:
        """A submission the bot refused (`400` with field errors): the form stays open, showing them."""
        with self.lock:
            self.forms.append(form)

    def thread_by_id(self, thread_id: int) -> Thread | None:
        return next((t for t in self.threads.values() if t.id == thread_id), None)

    def post(self, message_id: int) -> Post | None:
        with self.lock:
            return next((p for p in self.posts if p.id == message_id), None)

    def rate_key(self, post: Post) -> int:
        thread = self.thread_by_id(post.entity_id) if post.entity_type == "thread" else None
        if thread is not None and (self.limit is None or self.limit.thread_counts_as == "root"):
            return thread.root_chat_id
        return post.chat_id

    # the API
    def _search(self, call: Call) -> Answer:
        query = call.args.get("query", "").casefold()
        found = [p for p in PEOPLE if query and query in (p.email, p.nickname, p.display_name.casefold())]
        return answer({"data": [pachca_person(p.pachca_id) for p in found]})

    def _open_thread(self, call: Call, message_id: str) -> Answer:
        with self.lock:
            thread = self.threads.get(int(message_id))
            if thread is None:
                n = len(self.threads) + 1
                root_chat = self.message_chats.get(int(message_id)) or self.chat_of(int(message_id))
                thread = Thread(THREAD_BASE + n, THREAD_CHAT_BASE + n, int(message_id), root_chat)
                self.threads[thread.message_id] = thread
        body = {"id": thread.id, "chat_id": thread.chat_id, "message_id": thread.message_id}
        return answer({"data": {**body, "message_chat_id": thread.root_chat_id, "updated_at": NOW}}, 201)

    def _post(self, call: Call) -> Answer:
        message = call.json()["message"]
        entity_type, entity_id = message.get("entity_type", "discussion"), int(message["entity_id"])
        with self.lock:
            thread = self.thread_by_id(entity_id) if entity_type == "thread" else None
            chat_id = thread.chat_id if thread else entity_id
            post = Post(next(self.ids), chat_id, entity_type, entity_id, message["content"], message.get("buttons", []))
            refused = self._over_limit(post)
            if refused is None:
                self.posts.append(post)
        return refused or answer({"data": _message(post)}, 201)

    def _edit(self, call: Call, message_id: str) -> Answer:
        message = call.json()["message"]
        with self.lock:
            found = self.post(int(message_id))
            if found is None:
                return answer({"errors": [{"key": "id", "value": "not_found"}]}, 404)
            refused = self._over_limit(found)
            if refused is not None:
                return refused
            edited = replace(found, content=message.get("content", found.content), edits=found.edits + 1)
            edited = replace(edited, buttons=message.get("buttons", found.buttons))
            self.posts[self.posts.index(found)] = edited
        return answer({"data": _message(edited)})

    def _get(self, call: Call, message_id: str) -> Answer:
        """A message with its files (none: people here write text) and its thread once someone opened it; one the
        simulator never saw is a 404, as Pachca answers."""
        with self.lock:
            found = next((p for p in self.posts + self.said if p.id == int(message_id)), None)
            thread = self.threads.get(int(message_id))
        if found is None:
            return answer({"errors": [{"key": "id", "value": "not_found"}]}, 404)
        shown = _message(found)
        if thread is not None:
            shown["thread"] = {"id": thread.id, "chat_id": thread.chat_id}
        return answer({"data": {**shown, "files": []}})

    def _list(self, call: Call) -> Answer:
        """Newest first, as Pachca's default; `sort=id&order=asc` oldest first."""
        chat_id, limit = int(call.args["chat_id"]), int(call.args.get("limit", 50))
        oldest_first = call.args.get("sort") == "id" and call.args.get("order") == "asc"
        with self.lock:
            found = (p for p in self.posts + self.said if p.chat_id == chat_id)
            ordered = sorted(found, key=lambda p: p.id if oldest_first else -p.id)
        return answer({"data": [_message(p) for p in ordered[:limit]]})

    def _open_view(self, call: Call) -> Answer:
        body = call.json()
        with self.lock:
            self.forms.append(Form(body["trigger_id"], body["callback_id"], body["private_metadata"], body["view"]))
        return answer({}, 201)

    def _chats(self, call: Call) -> Answer:
        """The chats the bot is in (`availability=is_member`, the default), one page."""
        chats = [_chat(chat_id, name) for chat_id, name in BOT_CHATS.items()]
        return answer({"data": chats, "meta": {"paginate": {"next_page": "eyJwYWdlIjoyfQ", "has_next": False}}})

    def _set_webhook(self, call: Call) -> Answer:
        """The bot points its own outgoing webhook somewhere; the answer is the bot with its webhook settings."""
        url = str(call.json()["webhook"]["outgoing_url"])
        with self.lock:
            self.webhook_url = url
        events = ["message_new", "message_update", "message_delete", "button_click"]
        webhook: dict[str, Any] = {"outgoing_url": url, "events": events}
        webhook |= {"trigger_on": "all_messages", "ignore_self_messages": True, "events_history_enabled": True}
        return answer({"data": {"id": BOT_ID, "webhook": webhook}})

    def _over_limit(self, post: Post) -> Answer | None:
        wait = self.limit.admit(self.rate_key(post)) if self.limit else 0.0
        if wait <= 0:
            return None
        self.rejected += 1
        body = {"errors": [{"key": "rate_limit", "value": "too many requests"}]}
        return answer(body, 429, {"Retry-After": str(max(1, math.ceil(wait)))})


def _chat(chat_id: int, name: str) -> dict[str, Any]:
    return {
        "id": chat_id,
        "name": name,
        "created_at": NOW,
        "owner_id": 134412,
        "member_ids": [134412, 2001, BOT_ID],
        "group_tag_ids": [],
        "channel": False,
        "archived": False,
        "personal": False,
        "public": False,
        "last_message_at": NOW,
        "meet_room_url": f"https://meet.pachca.com/{chat_id}",
    }


def _message(post: Post) -> dict[str, Any]:
    keys = ("id", "entity_type", "entity_id", "chat_id", "content", "user_id")
    return {**{k: getattr(post, k) for k in keys}, "created_at": NOW}
