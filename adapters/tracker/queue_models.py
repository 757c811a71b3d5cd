"""A Tracker queue's settings as Tracker answers them, for `setup` and `doctor`: the queue, its triggers, and its
local fields in the admin ports' terms (every event reads the fields' ids with `models.LOCAL_FIELDS`)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, TypeAdapter, field_validator

from adapters.tracker.models import LocalFieldModel, Model
from ports.admin import LocalField


def local_field(model: LocalFieldModel) -> LocalField:
    return LocalField(id=model.id, key=model.short_key())


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


TRIGGERS = TypeAdapter(list[TriggerModel], config=ConfigDict(defer_build=True))
