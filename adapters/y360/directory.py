"""The Yandex 360 directory (legacy API, `/directory/v1/org/{orgId}/users`), through `adapters.http.client`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests
from pydantic import BaseModel, ConfigDict, Field

from adapters.http.client import HttpClient, reading
from domain.people import Person
from ports.admin import DirectoryAdmin
from ports.directory import UserDirectory


def y360_client(session: requests.Session, base_url: str, token: str, **kw: Any) -> HttpClient:
    return HttpClient(session, base_url, {"Authorization": f"OAuth {token}"}, service="y360", **kw)


class HttpUserDirectory(UserDirectory, DirectoryAdmin):
    """The paged user list: pages are fetched only as far as the caller reads."""

    def __init__(self, client: HttpClient, org_id: str, page_size: int = 1000) -> None:
        self._client = client
        self._path = f"/directory/v1/org/{quote(org_id, safe='')}/users"
        self._page_size = page_size

    def people(self) -> Iterator[Person]:
        number = 1
        while True:
            page = self._page(number)
            yield from (user.to_person() for user in page.users)
            if not page.users or number >= page.pages:
                return
            number += 1

    def count_users(self) -> int:
        page = self._page(1, per_page=1)
        if page.total is not None:
            return page.total
        return page.pages if page.users else 0  # one user per page

    def _page(self, number: int, per_page: int | None = None) -> _UsersPage:
        params = {"page": number, "perPage": per_page or self._page_size}
        response = self._client.get(self._path, params)
        with reading(f"GET {self._path} page {number}", "y360"):
            return _UsersPage.model_validate_json(response.content)


class _Model(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True, frozen=True, defer_build=True)


class _Name(_Model):
    first: str = ""
    last: str = ""


class _User(_Model):
    id: str
    nickname: str
    email: str | None = None
    name: _Name = Field(default_factory=_Name)

    def to_person(self) -> Person:
        full_name = f"{self.name.first} {self.name.last}".strip()
        return Person(
            id=self.id, display_name=full_name or self.nickname, nickname=self.nickname, email=self.email or None
        )


class _UsersPage(_Model):
    users: list[_User] = Field(default_factory=list)
    page: int = 1
    pages: int = 1
    total: int | None = None
