"""What the bridge reads of the tracker's configuration, kept in the state store: field ids and status types."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from domain.card import Workflow
from domain.tickets import LINK_FIELD_KEYS, NewIssue, TicketKey
from ports.clock import Clock
from ports.errors import PermanentFailure, TransientFailure
from ports.state.records import Cache
from ports.tracker import IssueTracker

DAY = 86400.0
FIELDS_TTL = DAY
MISSING_FIELDS_TTL = 300.0
STATUSES_KEY = "tracker:statuses"
STATUSES_TTL = DAY
UNREADABLE_STATUSES_TTL = 300.0
FIELD_REFUSALS = (400, 422)  # what Tracker answers to a create naming a local field that no longer exists

log = logging.getLogger("servicedesk.schema")


@dataclass(frozen=True)
class TrackerSchema:
    """Rules:
    - the queue's local field ids and the tracker's status types are read once a day, not per event;
    - fields not all there yet are read again within minutes (`setup` may create them any minute);
    - an issue Tracker refuses to create (400/422: a field deleted since the ids were read) is created once more
      with the ids read afresh, when they differ;
    - status types Tracker cannot list leave the workflow to the default status keys, for a few minutes.
    """

    tracker: IssueTracker
    cache: Cache
    clock: Clock

    def field_ids(self, queue: str, fresh: bool = False) -> dict[str, str]:
        """The ids as cached; `fresh` reads them again (after Tracker refused ids that were deleted meanwhile)."""
        key = f"tracker:fields:{queue}"
        cached = None if fresh else self.cache.get(key, self.clock.now())
        if cached is not None:
            ids: dict[str, str] = json.loads(cached)
            return ids
        ids = self.tracker.local_field_ids(queue)
        complete = all(name in ids for name in LINK_FIELD_KEYS)
        self.cache.put(key, json.dumps(ids), self.clock.now() + (FIELDS_TTL if complete else MISSING_FIELDS_TTL))
        return ids

    def create_issue(self, issue: NewIssue) -> TicketKey:
        """Creates the issue with the queue's field ids; a refusal is retried once with the ids read again (the
        `unique` makes a repeated create safe)."""
        ids = self.field_ids(issue.queue)
        try:
            return self.tracker.create_issue(issue, ids)
        except PermanentFailure as e:
            if e.status not in FIELD_REFUSALS:
                raise
            fresh = self.field_ids(issue.queue, fresh=True)
            if fresh == ids:
                raise
            log.warning("tracker refused the field ids; read them again", extra={"queue": issue.queue})
            return self.tracker.create_issue(issue, fresh)

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
