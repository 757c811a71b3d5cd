"""Read-only probes of the Pachca bot token for `doctor`, through the one outbound call policy (`adapters.http`)."""

from __future__ import annotations

from typing import Any, TypeVar

from adapters.http import HttpClient
from adapters.pachca import Data, PachcaUser, TokenInfoReply, parse_reply
from domain.model import Person
from ports.admin import TokenInfo

T = TypeVar("T")


class HttpMessengerAdmin:
    """Implements MessengerAdmin. Build it with `adapters.pachca.pachca_client`."""

    def __init__(self, client: HttpClient) -> None:
        self._client = client

    def token_info(self) -> TokenInfo:
        info = self._get("/oauth/token/info", Data[TokenInfoReply]).data
        return TokenInfo(user_id=info.user_id, scopes=tuple(info.scopes or ()))

    def some_users(self, limit: int) -> list[Person]:
        users = self._get("/users", Data[list[PachcaUser]], params={"limit": limit}).data
        return [user.to_person() for user in users]

    def _get(self, path: str, model: type[Data[T]], params: dict[str, Any] | None = None) -> Data[T]:
        return parse_reply(self._client.request("GET", path, idempotent=True, params=params), model)
