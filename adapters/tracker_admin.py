"""Administration of Yandex services for `setup` and `doctor`: Tracker queue settings (local fields, triggers) and a
probe of the Yandex 360 directory. Everything goes through the one outbound call policy (`adapters.http`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import requests
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from adapters.http import HttpClient
from domain.model import Person
from ports.admin import LocalField, LocalFieldSpec, Queue, Trigger, TriggerSpec
from ports.errors import PermanentFailure

STRING_FIELD_TYPE = "ru.yandex.startrek.core.fields.StringFieldType"
SYSTEM_CATEGORY = "000000000000000000000003"
LOCAL_FIELD_SEPARATOR = "--"
TRIGGERS_PER_PAGE = 100


class HttpTrackerAdmin:
    """Implements TrackerAdmin. Build it with `adapters.tracker.tracker_client`."""

    def __init__(self, client: HttpClient) -> None:
        self._client = client

    def myself(self) -> Person:
        response = self._get("/v2/myself")
        with _reading("tracker", "GET /v2/myself"):
            user = _User.model_validate_json(response.content)
        return Person(id=user.uid, display_name=user.display or user.login or user.uid, nickname=user.login)

    def queue(self, key: str) -> Queue:
        path = f"/v2/queues/{_segment(key)}"
        response = self._get(path)
        with _reading("tracker", f"GET {path}"):
            queue = _Queue.model_validate_json(response.content)
        return Queue(key=queue.key, name=queue.name or queue.key)

    def local_fields(self, queue: str) -> list[LocalField]:
        path = _local_fields_path(queue)
        response = self._get(path)
        with _reading("tracker", f"GET {path}"):
            return [field.to_local_field() for field in _LOCAL_FIELDS.validate_json(response.content)]

    def create_local_field(self, queue: str, spec: LocalFieldSpec) -> LocalField:
        path = _local_fields_path(queue)
        body = {
            "id": spec.key,
            "name": {"en": spec.name_en, "ru": spec.name_ru},
            "category": SYSTEM_CATEGORY,
            "type": STRING_FIELD_TYPE,
            "description": spec.description,
            "readonly": False,
        }
        response = self._client.request("POST", path, idempotent=False, json=body)
        with _reading("tracker", f"POST {path}"):
            return _LocalField.model_validate_json(response.content).to_local_field()

    def triggers(self, queue: str) -> list[Trigger]:
        path = _triggers_path(queue)
        found: list[Trigger] = []
        page, pages = 1, 1
        while page <= pages:
            response = self._get(path, params={"perPage": TRIGGERS_PER_PAGE, "page": page})
            with _reading("tracker", f"GET {path}"):
                found += [trigger.to_trigger() for trigger in _TRIGGERS.validate_json(response.content)]
            pages = _total_pages(response)
            page += 1
        return found

    def create_trigger(self, queue: str, spec: TriggerSpec) -> Trigger:
        path = _triggers_path(queue)
        response = self._client.request("POST", path, idempotent=False, json=_trigger_body(spec))
        with _reading("tracker", f"POST {path}"):
            return _Trigger.model_validate_json(response.content).to_trigger()

    def update_trigger(self, queue: str, current: Trigger, spec: TriggerSpec) -> Trigger:
        path = f"{_triggers_path(queue)}/{_segment(current.id)}"
        response = self._client.request(
            "PATCH", path, idempotent=False, json=_trigger_body(spec), params={"version": current.version}
        )
        with _reading("tracker", f"PATCH {path}"):
            return _Trigger.model_validate_json(response.content).to_trigger()

    def _get(self, path: str, params: dict[str, Any] | None = None) -> requests.Response:
        return self._client.request("GET", path, idempotent=True, params=params)


class HttpDirectoryAdmin:
    """Implements DirectoryAdmin over the (legacy) Yandex 360 directory API; build it with `y360_client`."""

    def __init__(self, client: HttpClient, org_id: str) -> None:
        self._client = client
        self._path = f"/directory/v1/org/{_segment(org_id)}/users"

    def count_users(self) -> int:
        response = self._client.request("GET", self._path, idempotent=True, params={"page": 1, "perPage": 1})
        with _reading("y360", f"GET {self._path}"):
            page = _UsersPage.model_validate_json(response.content)
        if page.total is not None:
            return page.total
        return page.pages if page.users else 0  # one user per page


def _trigger_body(spec: TriggerSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "active": spec.active,
        "conditions": [dict(condition) for condition in spec.conditions],
        "actions": [dict(spec.webhook)],
    }


def _local_fields_path(queue: str) -> str:
    return f"/v2/queues/{_segment(queue)}/localFields"


def _triggers_path(queue: str) -> str:
    return f"/v2/queues/{_segment(queue)}/triggers"


def _total_pages(response: requests.Response) -> int:
    try:
        return int(response.headers.get("X-Total-Pages", "1"))
    except ValueError:
        return 1


def _segment(value: str) -> str:
    return quote(value, safe="")


@contextmanager
def _reading(service: str, call: str) -> Iterator[None]:
    try:
        yield
    except ValueError as e:
        raise PermanentFailure(f"{service}: unexpected answer to {call}") from e


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, coerce_numbers_to_str=True, frozen=True)


class _User(_Model):
    uid: str
    login: str | None = None
    display: str = ""


class _Queue(_Model):
    key: str
    name: str = ""


class _LocalField(_Model):
    id: str
    key: str | None = None

    def to_local_field(self) -> LocalField:
        return LocalField(id=self.id, key=self.key or self.id.rpartition(LOCAL_FIELD_SEPARATOR)[2])


class _Trigger(_Model):
    id: str
    version: int = 1
    name: str = ""
    active: bool = True
    conditions: list[dict[str, Any]] = Field(default_factory=list)
    actions: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("conditions", mode="before")
    @classmethod
    def _one_group_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    def to_trigger(self) -> Trigger:
        return Trigger(
            id=self.id,
            version=self.version,
            name=self.name,
            active=self.active,
            conditions=tuple(self.conditions),
            actions=tuple(self.actions),
        )


class _UsersPage(_Model):
    users: list[dict[str, Any]] = Field(default_factory=list)
    pages: int = 1
    total: int | None = None


_LOCAL_FIELDS = TypeAdapter(list[_LocalField])
_TRIGGERS = TypeAdapter(list[_Trigger])
