"""What the bridge looks up on either side and keeps in the state store's cache, because it rarely changes: who is
who (the bot's and the robot's own ids, Pachca people by id) and Tracker's configuration (the queue's local field
ids, the status types)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from domain.card import Workflow
from domain.people import Person
from domain.tickets import LINK_FIELD_KEYS, NewIssue, TicketKey
from ports.clock import Clock
from ports.errors import PermanentFailure, TransientFailure
from ports.messenger import ChatMessenger
from ports.state.records import Cache
from ports.tracker import IssueTracker

DAY = 86400.0
OWN_ID_TTL = 7 * DAY
PERSON_TTL = DAY
FIELDS_TTL = DAY
MISSING_FIELDS_TTL = 300.0
STATUSES_KEY = "tracker:statuses"
STATUSES_TTL = DAY
UNREADABLE_STATUSES_TTL = 300.0
FIELD_REFUSALS = (400, 422)  # what Tracker answers to a create naming a local field that no longer exists

log = logging.getLogger("servicedesk.schema")


def read_through(cache: Cache, clock: Clock, key: str, ttl: float, read: Callable[[], str]) -> str:
    """The cached value of `key`, else `read()`, kept for `ttl` seconds."""
    cached = cache.get(key, clock.now())
    if cached is None:
        cached = read()
        cache.put(key, cached, clock.now() + ttl)
    return cached


class Identities:
    """Who is who: the bot's own Pachca id, the robot's Tracker id (both kept a week, and in the process after the
    first look), and Pachca people by id (kept a day)."""

    def __init__(
        self,
        messenger: ChatMessenger,
        tracker: IssueTracker,
        cache: Cache,
        clock: Clock,
        bot_user_id: int | None = None,
    ) -> None:
        self.messenger = messenger
        self.tracker = tracker
        self.cache = cache
        self.clock = clock
        self._bot_user_id = bot_user_id
        self._robot_id: str | None = None

    def bot_user_id(self) -> int:
        if self._bot_user_id is None:
            own = read_through(self.cache, self.clock, "pachca:bot-id", OWN_ID_TTL, self._own_user_id)
            self._bot_user_id = int(own)
        return self._bot_user_id

    def robot_id(self) -> str:
        if self._robot_id is None:
            self._robot_id = read_through(self.cache, self.clock, "tracker:robot-id", OWN_ID_TTL, self._myself)
        return self._robot_id

    def _own_user_id(self) -> str:
        return str(self.messenger.own_user_id())

    def _myself(self) -> str:
        return self.tracker.myself().id

    def pachca_person(self, user_id: int) -> Person:
        key = f"pachca:user:{user_id}"
        cached = self.cache.get(key, self.clock.now())
        if cached is not None:
            return Person(**json.loads(cached))
        person = self.messenger.get_user(user_id)
        self.cache.put(key, json.dumps(asdict(person)), self.clock.now() + PERSON_TTL)  # ASCII: any name is stored
        return person


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
        """Read for a day; a failure leaves the workflow to the default status keys for a few minutes, not longer."""
        try:
            types, ttl = self.tracker.status_types(), STATUSES_TTL
        except (PermanentFailure, TransientFailure):  # not worth failing a click over: the key list serves
            types, ttl = {}, UNREADABLE_STATUSES_TTL
        blob = json.dumps(types)
        self.cache.put(STATUSES_KEY, blob, self.clock.now() + ttl)
        return blob
