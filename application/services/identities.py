"""Who is who: the bot's and the robot's own ids and Pachca people by id, cached in the state store."""

from __future__ import annotations

import json
from dataclasses import asdict

from domain.people import Person
from ports.clock import Clock
from ports.messenger import ChatMessenger
from ports.state.records import Cache
from ports.tracker import IssueTracker

DAY = 86400.0
OWN_ID_TTL = 7 * DAY
PERSON_TTL = DAY


class Identities:
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
            cached = self.cache.get("pachca:bot-id", self.clock.now())
            if cached is None:
                cached = str(self.messenger.own_user_id())
                self.cache.put("pachca:bot-id", cached, self.clock.now() + OWN_ID_TTL)
            self._bot_user_id = int(cached)
        return self._bot_user_id

    def robot_id(self) -> str:
        if self._robot_id is None:
            cached = self.cache.get("tracker:robot-id", self.clock.now())
            if cached is None:
                cached = self.tracker.myself().id
                self.cache.put("tracker:robot-id", cached, self.clock.now() + OWN_ID_TTL)
            self._robot_id = cached
        return self._robot_id

    def pachca_person(self, user_id: int) -> Person:
        key = f"pachca:user:{user_id}"
        cached = self.cache.get(key, self.clock.now())
        if cached is not None:
            return Person(**json.loads(cached))
        person = self.messenger.get_user(user_id)
        self.cache.put(key, json.dumps(asdict(person)), self.clock.now() + PERSON_TTL)  # ASCII: any name is stored
        return person
