"""A Tracker queue's settings as Tracker answers them: the queue, its local fields, its triggers."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, TypeAdapter, field_validator

from adapters.tracker.models import LOCAL_FIELD_SEPARATOR, Model
from ports.admin import LocalField


class LocalFieldModel(Model):
    id: str
    key: str | None = None

    def short_key(self) -> str:
        return self.key or self.id.rpartition(LOCAL_FIELD_SEPARATOR)[2]

    def to_local_field(self) -> LocalField:
        return LocalField(id=self.id, key=self.short_key())


class QueueModel(Model):
    key: str
    name: str = ""


QUEUE_LIST = TypeAdapter(list[QueueModel], config=ConfigDict(defer_build=True))  # setup and doctor only


class TriggerModel(Model):
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


LOCAL_FIELDS = TypeAdapter(list[LocalFieldModel], config=ConfigDict(defer_build=True))
TRIGGERS = TypeAdapter(list[TriggerModel], config=ConfigDict(defer_build=True))
