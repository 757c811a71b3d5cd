"""What the bridge reads of the tracker's configuration, kept in the state store: field ids and status types."""

from __future__ import annotations

import json
from dataclasses import dataclass

from domain.links import LINK_FIELD_KEYS
from domain.workflow import Workflow
from ports.clock import Clock
from ports.errors import PermanentFailure, TransientFailure
from ports.records import Cache
from ports.tracker import IssueTracker

DAY = 86400.0
FIELDS_TTL = DAY
MISSING_FIELDS_TTL = 300.0
STATUSES_KEY = "tracker:statuses"
STATUSES_TTL = DAY
UNREADABLE_STATUSES_TTL = 300.0


@dataclass(frozen=True)
class TrackerSchema:
    """Rules:
    - the queue's local field ids and the tracker's status types are read once a day, not per event;
    - fields not all there yet are read again within minutes (`setup` may create them any minute);
    - status types Tracker cannot list leave the workflow to the default status keys, for a few minutes.
    """

    tracker: IssueTracker
    cache: Cache
    clock: Clock

    def field_ids(self, queue: str) -> dict[str, str]:
        key = f"tracker:fields:{queue}"
        cached = self.cache.get(key, self.clock.now())
        if cached is not None:
            ids: dict[str, str] = json.loads(cached)
            return ids
        ids = self.tracker.local_field_ids(queue)
        complete = all(name in ids for name in LINK_FIELD_KEYS)
        self.cache.put(key, json.dumps(ids), self.clock.now() + (FIELDS_TTL if complete else MISSING_FIELDS_TTL))
        return ids

    def workflow(self) -> Workflow:
        cached = self.cache.get(STATUSES_KEY, self.clock.now())
        if cached is None:
            cached = self._read_status_types()
        types: dict[str, str] = json.loads(cached)
        return Workflow.from_names(types)

    def _read_status_types(self) -> str:
        try:
            types, ttl = self.tracker.status_types(), STATUSES_TTL
        except (PermanentFailure, TransientFailure):  # not worth failing a click over: the key list serves
            types, ttl = {}, UNREADABLE_STATUSES_TTL
        blob = json.dumps(types)
        self.cache.put(STATUSES_KEY, blob, self.clock.now() + ttl)
        return blob
