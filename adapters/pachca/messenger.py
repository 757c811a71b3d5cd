"""The team messenger over Pachca's REST API (https://api.pachca.com/api/shared/v1); see docs/pachca.md."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests

from adapters.http.client import HttpClient, reading
from adapters.pachca.models import (
    Data,
    FullMessage,
    Message,
    PachcaUser,
    Reply,
    Thread,
    TokenInfoReply,
)
from adapters.pachca.ratelimit import ChatRateLimiter
from domain.card import Button
from domain.people import Person
from domain.tickets import ThreadRef, truncate
from ports.files import PachcaUpload
from ports.messenger import ButtonRows, ChatMessenger, FormField, MessageInfo, PostedMessage

T = TypeVar("T")
R = TypeVar("R", bound=Reply)
FORM_TITLE_LIMIT = 24
LIST_LIMIT = 50
SUBMIT_TEXT = "Отправить"
CLOSE_TEXT = "Отмена"
WEB_APP = "https://app.pachca.com"  # where a message's link points (docs/pachca.md)


def pachca_client(session: requests.Session, base_url: str, token: str, **kw: Any) -> HttpClient:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"}
    return HttpClient(session, base_url, headers, service="pachca", **kw)


@dataclass(frozen=True)
class HttpChatMessenger(ChatMessenger):
    """Message writes wait for the chat's rate limit and are never sent twice here."""

    client: HttpClient
    rate_limiter: ChatRateLimiter | None = None

    def own_user_id(self) -> int:
        return self._get("/oauth/token/info", Data[TokenInfoReply]).data.user_id

    def get_user(self, user_id: int) -> Person:
        return self._get(f"/users/{user_id}", Data[PachcaUser]).data.to_person()

    def search_users(self, query: str) -> list[Person]:
        users = self._get("/users", Data[list[PachcaUser]], params={"query": query, "limit": LIST_LIMIT}).data
        return [user.to_person() for user in users]

    def open_thread(self, message_id: int) -> ThreadRef:
        response = self.client.request("POST", f"/messages/{message_id}/thread", idempotent=True)
        thread = parse_reply(response, Data[Thread]).data
        return ThreadRef(
            thread_id=thread.id,
            chat_id=thread.chat_id,
            root_message_id=thread.message_id,
            root_chat_id=thread.message_chat_id,
        )

    def message_url(self, chat_id: int, message_id: int) -> str:
        return f"{WEB_APP}/chats/{chat_id}?message={message_id}"

    def post_to_thread(
        self, thread: ThreadRef, text: str, buttons: ButtonRows = (), files: Sequence[PachcaUpload] = ()
    ) -> PostedMessage:
        return self._post_message("thread", thread.thread_id, text, buttons, _limit_key(thread), files)

    def post_to_chat(self, chat_id: int, text: str, buttons: ButtonRows = ()) -> PostedMessage:
        return self._post_message("discussion", chat_id, text, buttons, chat_key=chat_id)

    def post_to_user(self, user_id: int, text: str) -> PostedMessage:
        return self._post_message("user", user_id, text, (), chat_key=("user", user_id))

    def update_message(self, message_id: int, text: str, buttons: ButtonRows, chat_id: int | None = None) -> None:
        """`chat_id`, when known, lets the edit share its chat's rate limit; otherwise the message is its own key."""
        key = chat_id if chat_id is not None else ("message", message_id)
        body = {"message": {"content": text, "buttons": button_rows(buttons)}}
        self.client.request(
            "PUT", f"/messages/{message_id}", idempotent=True, json=body, before_attempt=self._slot(key)
        )

    def recent_messages(self, chat_id: int, limit: int = LIST_LIMIT) -> list[PostedMessage]:
        return self._list_messages(chat_id, limit, "desc")

    def first_messages(self, chat_id: int, limit: int = 10) -> list[PostedMessage]:
        return self._list_messages(chat_id, limit, "asc")

    def get_message(self, message_id: int) -> MessageInfo:
        return self._get(f"/messages/{message_id}", Data[FullMessage]).data.to_info()

    def _list_messages(self, chat_id: int, limit: int, order: str) -> list[PostedMessage]:
        params: dict[str, Any] = {"chat_id": chat_id, "limit": max(1, min(limit, LIST_LIMIT))}
        if order != "desc":
            params |= {"sort": "id", "order": order}  # newest first is Pachca's default
        messages = self._get("/messages", Data[list[Message]], params=params).data
        return [m.to_posted() for m in messages]

    def open_form(
        self, trigger_id: str, callback_id: str, title: str, fields: Sequence[FormField], metadata: str
    ) -> None:
        body = {
            "type": "modal",
            "trigger_id": trigger_id,
            "callback_id": callback_id,
            "private_metadata": metadata,
            "view": {
                "title": truncate(title, FORM_TITLE_LIMIT),
                "submit_text": SUBMIT_TEXT,
                "close_text": CLOSE_TEXT,
                "blocks": [form_block(field) for field in fields],
            },
        }
        self.client.request("POST", "/views/open", idempotent=False, json=body)

    def _post_message(
        self,
        entity_type: str,
        entity_id: int,
        text: str,
        buttons: ButtonRows,
        chat_key: Hashable,
        files: Sequence[PachcaUpload] = (),
    ) -> PostedMessage:
        message: dict[str, Any] = {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "content": text,
            "skip_invite_mentions": False,
        }
        if buttons:
            message["buttons"] = button_rows(buttons)
        if files:
            # {key, name, file_type, size} as uploaded, and an image's width and height for its preview
            message["files"] = [{k: v for k, v in asdict(file).items() if v is not None} for file in files]
        response = self.client.request(
            "POST",
            "/messages",
            idempotent=False,
            json={"message": message, "link_preview": False},
            before_attempt=self._slot(chat_key),
        )
        return parse_reply(response, Data[Message]).data.to_posted()

    def _slot(self, chat_key: Hashable) -> Callable[[], None] | None:
        """Every attempt of a message write, a retry after a 429 too, takes a slot of its chat's rate limit."""
        limiter = self.rate_limiter
        return None if limiter is None else partial(limiter.acquire, chat_key)

    def _get(self, path: str, model: type[Data[T]], params: dict[str, Any] | None = None) -> Data[T]:
        return parse_reply(self.client.request("GET", path, idempotent=True, params=params), model)


def _limit_key(thread: ThreadRef) -> int:
    """Writes in a thread count against the chat it hangs from: the stricter reading of Pachca's per-chat limit."""
    return thread.root_chat_id or thread.chat_id


def parse_reply(response: requests.Response, model: type[R]) -> R:
    with reading(f"{response.request.method} {urlsplit(response.url).path}", "pachca"):
        return model.model_validate_json(response.content)


FORM_TEXT_LIMIT = 3000


def button_rows(rows: ButtonRows) -> list[list[dict[str, str]]]:
    return [[_button(button) for button in row] for row in rows if row]


def _button(button: Button) -> dict[str, str]:
    if button.url:
        return {"text": button.text, "url": button.url}
    if button.data is not None:
        return {"text": button.text, "data": button.data}
    raise ValueError(f"button {button.text!r} has neither a url nor data")


def form_block(field: FormField) -> dict[str, Any]:
    if field.options:
        options = [{"text": text, "value": value} for text, value in field.options]
        return {"type": "select", "name": field.name, "label": field.label, "required": True, "options": options}
    return {
        "type": "input",
        "name": field.name,
        "label": field.label,
        "multiline": True,
        "required": True,
        "max_length": FORM_TEXT_LIMIT,
    }
