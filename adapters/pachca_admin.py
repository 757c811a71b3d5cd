"""Read-only probes of the Pachca bot token for `doctor`, through the one outbound call policy (`adapters.http`)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.http import HttpClient
from domain.model import Person
from ports.admin import TokenInfo
from ports.errors import PermanentFailure

T = TypeVar("T")


class HttpMessengerAdmin:
    """Implements MessengerAdmin. Build it with `adapters.pachca.pachca_client`."""

    def __init__(self, client: HttpClient) -> None:
        self._client = client

    def token_info(self) -> TokenInfo:
        info = self._get("/oauth/token/info", _Data[_TokenInfo]).data
        return TokenInfo(user_id=info.user_id, scopes=tuple(info.scopes or ()))

    def some_users(self, limit: int) -> list[Person]:
        users = self._get("/users", _Data[list[_User]], params={"limit": limit}).data
        return [user.to_person() for user in users]

    def _get(self, path: str, model: type[_Data[T]], params: dict[str, Any] | None = None) -> _Data[T]:
        response = self._client.request("GET", path, idempotent=True, params=params)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as e:
            raise PermanentFailure(f"pachca: unexpected answer to GET {path}") from e


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Data(_Reply, Generic[T]):
    data: T


class _TokenInfo(_Reply):
    user_id: int
    scopes: list[str] | None = Field(default=None)


class _User(_Reply):
    id: int
    nickname: str | None = None
    first_name: str | None = None
    last_name: str | None = None
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
