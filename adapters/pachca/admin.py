"""The Pachca bot's own settings and probes, for the operator's commands (`init`, `setup`, `doctor`), apart from the
messenger every event uses: the token's owner and scopes, the bot's outgoing webhook, the chats it is in, a first
page of people. See docs/pachca.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.http.client import HttpClient
from adapters.pachca.messenger import LIST_LIMIT, parse_reply
from adapters.pachca.models import Data, PachcaUser, Reply, TokenInfoReply
from domain.people import Person
from ports.admin import BotWebhook, MessengerAdmin, TokenInfo


class BotWebhookReply(Reply):
    outgoing_url: str | None = None


class BotReply(Reply):
    id: int
    webhook: BotWebhookReply


class Chat(Reply):
    id: int
    name: str = ""
    personal: bool = False


class Paginate(Reply):
    next_page: str | None = None
    has_next: bool | None = None  # false on the last page


class Meta(Reply):
    paginate: Paginate | None = None


class ChatPage(Reply):
    data: list[Chat]
    meta: Meta | None = None


@dataclass(frozen=True)
class HttpPachcaAdmin(MessengerAdmin, BotWebhook):
    client: HttpClient

    def token_info(self) -> TokenInfo:
        info = parse_reply(self.client.get("/oauth/token/info"), Data[TokenInfoReply]).data
        return TokenInfo(user_id=info.user_id, scopes=tuple(info.scopes or ()))

    def set_webhook(self, url: str) -> str:
        """`PUT /bot/webhook` (scope `bot_self:webhook:write`): the bot that owns the token, no bot id needed."""
        body = {"webhook": {"outgoing_url": url}}
        response = self.client.request("PUT", "/bot/webhook", idempotent=True, json=body)
        return parse_reply(response, Data[BotReply]).data.webhook.outgoing_url or ""

    def member_chats(self, pages: int = 10) -> list[tuple[int, str]]:
        """The group chats the bot is in, as (id, name): `GET /chats` (scope `chats:read`), 50 a page, at most
        `pages` pages. Direct chats (`personal`) are left out."""
        found: list[tuple[int, str]] = []
        params: dict[str, Any] = {"availability": "is_member", "limit": LIST_LIMIT}
        for _ in range(pages):
            response = self.client.request("GET", "/chats", idempotent=True, params=params)
            page = parse_reply(response, ChatPage)
            found += [(chat.id, chat.name or str(chat.id)) for chat in page.data if not chat.personal]
            paginate = page.meta.paginate if page.meta else None
            cursor = paginate.next_page if paginate else None
            more = paginate.has_next if paginate and paginate.has_next is not None else len(page.data) >= LIST_LIMIT
            if not (cursor and more):
                break
            params = {**params, "cursor": cursor}
        return found

    def some_users(self, limit: int) -> list[Person]:
        users = parse_reply(self.client.get("/users", {"limit": limit}), Data[list[PachcaUser]]).data
        return [user.to_person() for user in users]
