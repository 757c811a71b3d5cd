"""The team messenger over Pachca's REST API (https://api.pachca.com/api/shared/v1)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ConfigDict, ValidationError

from adapters.http import HttpClient
from adapters.ratelimit import ChatRateLimiter
from domain.model import Button, Person, ThreadRef, truncate
from ports.errors import PermanentFailure
from ports.messenger import ButtonRows, FormField, PostedMessage

FORM_TITLE_LIMIT = 24
FORM_TEXT_LIMIT = 3000
LIST_LIMIT = 50
SUBMIT_TEXT = "Отправить"
CLOSE_TEXT = "Отмена"
WEB_APP = "https://app.pachca.com"  # where a message's link points (docs/pachca.md)


def pachca_client(session: requests.Session, base_url: str, token: str, **kw: Any) -> HttpClient:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"}
    return HttpClient(session, base_url, headers, service="pachca", **kw)


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)  # built on first use: a shorter cold start


T = TypeVar("T")


class Data(Reply, Generic[T]):
    data: T


class TokenInfoReply(Reply):
    user_id: int
    scopes: list[str] | None = None


class PachcaUser(Reply):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    nickname: str | None = None
    email: str | None = None
    bot: bool = False

    def to_person(self) -> Person:
        full_name = f"{self.first_name or ''} {self.last_name or ''}".strip()
        return Person(
            id=str(self.id),
            display_name=full_name or self.nickname or str(self.id),
            nickname=self.nickname or None,
            email=self.email or None,
            is_bot=self.bot,
        )


class _Thread(Reply):
    id: int
    chat_id: int
    message_id: int
    message_chat_id: int


class _Message(Reply):
    id: int
    user_id: int
    content: str = ""
    url: str = ""

    def to_posted(self) -> PostedMessage:
        return PostedMessage(message_id=self.id, user_id=self.user_id, text=self.content, url=self.url)


class HttpChatMessenger:
    """Implements ChatMessenger. Message writes wait for the chat's rate limit and are never sent twice here."""

    def __init__(self, client: HttpClient, rate_limiter: ChatRateLimiter | None = None) -> None:
        self.client = client
        self.rate_limiter = rate_limiter

    def own_user_id(self) -> int:
        return self._get("/oauth/token/info", Data[TokenInfoReply]).data.user_id

    def get_user(self, user_id: int) -> Person:
        return self._get(f"/users/{user_id}", Data[PachcaUser]).data.to_person()

    def search_users(self, query: str) -> list[Person]:
        users = self._get("/users", Data[list[PachcaUser]], params={"query": query, "limit": LIST_LIMIT}).data
        return [user.to_person() for user in users]

    def open_thread(self, message_id: int) -> ThreadRef:
        response = self.client.request("POST", f"/messages/{message_id}/thread", idempotent=True)
        thread = parse_reply(response, Data[_Thread]).data
        return ThreadRef(
            thread_id=thread.id,
            chat_id=thread.chat_id,
            root_message_id=thread.message_id,
            root_chat_id=thread.message_chat_id,
        )

    def message_url(self, chat_id: int, message_id: int) -> str:
        return f"{WEB_APP}/chats/{chat_id}?message={message_id}"

    def post_to_thread(self, thread: ThreadRef, text: str, buttons: ButtonRows = ()) -> PostedMessage:
        return self._post_message("thread", thread.thread_id, text, buttons, chat_key=_limit_key(thread))

    def post_to_chat(self, chat_id: int, text: str, buttons: ButtonRows = ()) -> PostedMessage:
        return self._post_message("discussion", chat_id, text, buttons, chat_key=chat_id)

    def update_message(self, message_id: int, text: str, buttons: ButtonRows, chat_id: int | None = None) -> None:
        """`chat_id`, when known, lets the edit share its chat's rate limit; otherwise the message is its own key."""
        key = chat_id if chat_id is not None else ("message", message_id)
        body = {"message": {"content": text, "buttons": _button_rows(buttons)}}
        self.client.request(
            "PUT", f"/messages/{message_id}", idempotent=True, json=body, before_attempt=self._slot(key)
        )

    def recent_messages(self, chat_id: int, limit: int = LIST_LIMIT) -> list[PostedMessage]:
        params = {"chat_id": chat_id, "limit": max(1, min(limit, LIST_LIMIT))}
        messages = self._get("/messages", Data[list[_Message]], params=params).data
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
                "blocks": [_form_block(field) for field in fields],
            },
        }
        self.client.request("POST", "/views/open", idempotent=False, json=body)

    def _post_message(
        self, entity_type: str, entity_id: int, text: str, buttons: ButtonRows, chat_key: int
    ) -> PostedMessage:
        message: dict[str, Any] = {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "content": text,
            "skip_invite_mentions": False,
        }
        if buttons:
            message["buttons"] = _button_rows(buttons)
        response = self.client.request(
            "POST",
            "/messages",
            idempotent=False,
            json={"message": message, "link_preview": False},
            before_attempt=self._slot(chat_key),
        )
        return parse_reply(response, Data[_Message]).data.to_posted()

    def _slot(self, chat_key: Hashable) -> Callable[[], None] | None:
        """Every attempt of a message write, a retry after a 429 too, takes a slot of its chat's rate limit."""
        limiter = self.rate_limiter
        return None if limiter is None else partial(limiter.acquire, chat_key)

    def _get(self, path: str, model: type[Data[T]], params: dict[str, Any] | None = None) -> Data[T]:
        return parse_reply(self.client.request("GET", path, idempotent=True, params=params), model)


def parse_reply(response: requests.Response, model: type[Data[T]]) -> Data[T]:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as e:
        where = f"{response.request.method} {urlsplit(response.url).path}"
        raise PermanentFailure(f"pachca: unexpected answer to {where}") from e


def _limit_key(thread: ThreadRef) -> int:
    """Writes in a thread count against the chat it hangs from: the stricter reading of Pachca's per-chat limit."""
    return thread.root_chat_id or thread.chat_id


def _button_rows(rows: ButtonRows) -> list[list[dict[str, str]]]:
    return [[_button(button) for button in row] for row in rows if row]


def _button(button: Button) -> dict[str, str]:
    if button.url:
        return {"text": button.text, "url": button.url}
    if button.data is not None:
        return {"text": button.text, "data": button.data}
    raise ValueError(f"button {button.text!r} has neither a url nor data")


def _form_block(field: FormField) -> dict[str, Any]:
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
