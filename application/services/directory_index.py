"""The organisation's directory by login, read in one walk and kept in the state store."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from domain.people import Person
from ports.clock import Clock
from ports.directory import UserDirectory
from ports.errors import PermanentFailure, TransientFailure
from ports.state.records import Cache

log = logging.getLogger("servicedesk.people")

DIRECTORY_TTL = 6 * 3600.0
DIRECTORY_KEY = "people:directory"


@dataclass(frozen=True)
class DirectoryIndex:
    """Rules:
    - everyone is read in one walk of the directory and kept in the store, never paged per event;
    - the directory being down or refusing only skips it (None), with a warning: nobody's comment is lost for it.
    """

    directory: UserDirectory | None
    cache: Cache
    clock: Clock

    def person(self, login: str) -> Person | None:
        if self.directory is None:
            return None
        try:
            return self._index(self.directory).get(login.lower())
        except (TransientFailure, PermanentFailure) as e:  # down, or its token expired: not worth losing a comment
            log.warning("directory unavailable, using Tracker's user record", extra={"error": str(e)})
            return None

    def by_email(self, email: str) -> Person | None:
        if self.directory is None:
            return None
        try:
            people = self._index(self.directory).values()
        except (TransientFailure, PermanentFailure) as e:
            log.warning("directory unavailable, using Tracker's user record", extra={"error": str(e)})
            return None
        return next((p for p in people if p.email and p.email.lower() == email.lower()), None)

    def _index(self, directory: UserDirectory) -> dict[str, Person]:
        now = self.clock.now()
        cached = self.cache.get(DIRECTORY_KEY, now)
        if cached is not None:
            return {login: Person(**fields) for login, fields in json.loads(cached).items()}
        index = {p.nickname.lower(): p for p in directory.people() if p.nickname}
        blob = json.dumps({login: asdict(p) for login, p in index.items()})  # ASCII: any name can be stored
        self.cache.put(DIRECTORY_KEY, blob, now + DIRECTORY_TTL)
        return index
