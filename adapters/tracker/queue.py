"""A Tracker queue's settings for `setup` and `doctor`: the queue, its local fields and its triggers."""

from __future__ import annotations

import requests

from adapters.http.client import segment
from adapters.tracker.client import TrackerResource, reading
from adapters.tracker.models import LOCAL_FIELDS, LocalFieldModel
from adapters.tracker.queue_models import QUEUE_LIST, TRIGGERS, QueueModel, TriggerModel, local_field
from adapters.tracker.trigger_diff import differences, top_level
from adapters.tracker.triggers import StoredTrigger, trigger_body, words_spelling
from domain.tickets import LinkField
from ports.admin import LocalField, Queue, TrackerAdmin
from ports.triggers import BridgeTrigger, Trigger

STRING_FIELD_TYPE = "ru.yandex.startrek.core.fields.StringFieldType"
SYSTEM_CATEGORY = "000000000000000000000003"
TRIGGERS_PER_PAGE = 100
QUEUES_PER_PAGE = 100


class HttpTrackerAdmin(TrackerResource, TrackerAdmin):
    """Build it with `adapters.tracker.client.tracker_client`."""

    def queue(self, key: str) -> Queue:
        path = f"/v2/queues/{segment(key)}"
        response = self._client.get(path)
        with reading(f"GET {path}"):
            queue = QueueModel.model_validate_json(response.content)
        return Queue(key=queue.key, name=queue.name or queue.key)

    def queues(self, pages: int = 10) -> list[Queue]:
        """The queues the robot can see (`GET /v2/queues`, a page of 100 at a time, at most `pages` pages)."""
        found: list[Queue] = []
        page, last = 1, 1
        while page <= min(last, pages):
            response = self._client.get("/v2/queues", params={"perPage": QUEUES_PER_PAGE, "page": page})
            with reading("GET /v2/queues"):
                found += [Queue(key=q.key, name=q.name or q.key) for q in QUEUE_LIST.validate_json(response.content)]
            last = _total_pages(response)
            page += 1
        return found

    def local_fields(self, queue: str) -> list[LocalField]:
        path = _local_fields_path(queue)
        response = self._client.get(path)
        with reading(f"GET {path}"):
            return [local_field(field) for field in LOCAL_FIELDS.validate_json(response.content)]

    def create_local_field(self, queue: str, spec: LinkField) -> LocalField:
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
        with reading(f"POST {path}"):
            return local_field(LocalFieldModel.model_validate_json(response.content))

    def triggers(self, queue: str) -> list[Trigger]:
        path = _triggers_path(queue)
        found: list[Trigger] = []
        page, pages = 1, 1
        while page <= pages:
            response = self._client.get(path, params={"perPage": TRIGGERS_PER_PAGE, "page": page})
            with reading(f"GET {path}"):
                found += [_read(trigger) for trigger in TRIGGERS.validate_json(response.content)]
            pages = _total_pages(response)
            page += 1
        return found

    def create_trigger(self, queue: str, wanted: BridgeTrigger) -> Trigger:
        path = _triggers_path(queue)
        response = self._client.request("POST", path, idempotent=False, json=trigger_body(wanted))
        return _stored(response, f"POST {path}")

    def update_trigger(self, queue: str, current: Trigger, wanted: BridgeTrigger) -> Trigger:
        path = f"{_triggers_path(queue)}/{segment(current.id)}"
        params = {"version": current.version}
        response = self._client.request("PATCH", path, idempotent=False, json=trigger_body(wanted), params=params)
        return _stored(response, f"PATCH {path}")

    def trigger_differences(self, wanted: BridgeTrigger, actual: Trigger) -> list[str]:
        return differences(wanted, actual)


def _stored(response: requests.Response, call: str) -> StoredTrigger:
    with reading(call):
        return _read(TriggerModel.model_validate_json(response.content))


def _read(model: TriggerModel) -> StoredTrigger:
    conditions, actions = tuple(model.conditions), tuple(model.actions)
    spellings = [words_spelling(condition) for condition in top_level(conditions)]
    notes = tuple(f"internal-note words stored as `{spelling}`" for spelling in spellings if spelling)
    return StoredTrigger(
        model.id, model.version, model.name, model.active, notes, conditions=conditions, actions=actions
    )


def _local_fields_path(queue: str) -> str:
    return f"/v2/queues/{segment(queue)}/localFields"


def _triggers_path(queue: str) -> str:
    return f"/v2/queues/{segment(queue)}/triggers"


def _total_pages(response: requests.Response) -> int:
    try:
        return int(response.headers.get("X-Total-Pages", "1"))
    except ValueError:
        return 1
