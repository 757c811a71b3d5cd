"""Mentions across the sides: lookups around the pure MentionResolver, each answer cached with an expiry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from application.services.directory_index import DirectoryIndex
from domain.people import Person
from domain.text.mentions import MentionResolver, Resolution, Side, email_local_part_guess
from ports.clock import Clock
from ports.errors import NotFound, PermanentFailure
from ports.messenger import ChatMessenger
from ports.state.records import Cache
from ports.tracker import IssueTracker

log = logging.getLogger("servicedesk.people")

FOUND_TTL = 86400.0
MISSING_TTL = 3600.0
NOBODY = ""
UNAUTHORIZED = (401, 403)
MAX_MENTIONS = 20  # distinct people resolved per text; further mentions stay as written


@dataclass
class Mentions:
    """Rules:
    - a Tracker login maps to a person through the directory, then Tracker's own user record, then
      `login@PACHCA_EMAIL_DOMAIN`; that person maps to the Pachca user whose e-mail matches exactly;
    - a Pachca nickname maps to the Pachca user whose nickname matches exactly, then by e-mail to a Tracker login;
    - an answer, found or not, is cached (not found for a shorter time), so a known person costs no call;
    - the directory being down or refusing only skips it: Tracker's user record gives the e-mail too;
    - when Pachca hides e-mails from the bot, a Tracker login is matched to an equal Pachca nickname;
    - at most `max_mentions` distinct people are looked up per text; further mentions stay as written;
    - a handle that cannot be looked up (refused by either side, or too long to be anyone's) stays as written,
      and the text goes; only a failure worth retrying holds it back.
    """

    messenger: ChatMessenger
    tracker: IssueTracker
    directory: DirectoryIndex
    cache: Cache
    clock: Clock
    email_domain: str | None = None
    max_mentions: int = MAX_MENTIONS
    _warned_hidden_emails: bool = field(default=False, init=False)

    def tracker_to_pachca(self, text: str) -> Resolution:
        handles = MentionResolver.handles(text, Side.TRACKER, self.max_mentions)
        found = {h: self._cached(f"people:t2p:{h.lower()}", partial(self._pachca_nickname, h)) for h in handles}
        return MentionResolver.resolve(text, Side.TRACKER, found)

    def pachca_to_tracker(self, text: str) -> Resolution:
        handles = MentionResolver.handles(text, Side.PACHCA, self.max_mentions)
        found = {h: self._cached(f"people:p2t:{h.lower()}", partial(self._tracker_login, h)) for h in handles}
        return MentionResolver.resolve(text, Side.PACHCA, found)

    def tracker_login_of(self, person: Person) -> str | None:
        """The Tracker login of a Pachca person, by e-mail: the directory first, then Tracker's user record."""
        if not person.email:
            return None
        found = self.directory.by_email(person.email)
        if found is not None and found.nickname:
            return found.nickname
        candidate = self._tracker_user(person.email.split("@", 1)[0])
        if candidate and candidate.email and candidate.email.lower() == person.email.lower():
            return candidate.nickname
        return None

    def _cached(self, key: str, lookup: Callable[[], str | None]) -> str | None:
        now = self.clock.now()
        hit = self.cache.get(key, now)
        if hit is not None:
            return hit or None
        try:
            value = lookup()
        except PermanentFailure as e:  # 400, 414, 422…: asking again will not change the answer
            if e.status in UNAUTHORIZED:
                raise  # a token or a permission to fix: the event waits, and a person is told
            log.warning("a mention could not be looked up; it stays as written", extra={"error": str(e)[:200]})
            value = None
        self.cache.put(key, value or NOBODY, now + (FOUND_TTL if value else MISSING_TTL))
        return value

    def _pachca_nickname(self, login: str) -> str | None:
        email = self._email_of_login(login)
        candidates = self.messenger.search_users(email or login)
        if email:
            for user in candidates:
                if user.email and user.email.lower() == email.lower():
                    return user.nickname
        if candidates and all(user.email is None for user in candidates):
            self._warn_hidden_emails()
        for user in candidates:
            if user.nickname and user.nickname.lower() == login.lower():
                return user.nickname
        return None

    def _email_of_login(self, login: str) -> str | None:
        person = self.directory.person(login)
        if person is None or not person.email:
            try:
                person = self.tracker.get_user(login)
            except NotFound:
                person = None
        if person is not None and person.email:
            return person.email
        return email_local_part_guess(login, self.email_domain) if self.email_domain else None

    def _tracker_login(self, nickname: str) -> str | None:
        user = next(
            (u for u in self.messenger.search_users(nickname) if (u.nickname or "").lower() == nickname.lower()),
            None,
        )
        if user is None:
            return None
        if not user.email:
            self._warn_hidden_emails()
            candidate = self._tracker_user(nickname)
            return candidate.nickname if candidate else None
        candidate = self._tracker_user(user.email.split("@", 1)[0])
        if candidate and candidate.email and candidate.email.lower() == user.email.lower():
            return candidate.nickname
        return None

    def _tracker_user(self, login: str) -> Person | None:
        try:
            return self.tracker.get_user(login)
        except NotFound:
            return None

    def _warn_hidden_emails(self) -> None:
        if not self._warned_hidden_emails:
            self._warned_hidden_emails = True
            log.warning(
                "pachca hides e-mails from the bot; mentions are matched by nickname only",
                extra={"fix": "allow bots to see personal data in Pachca's workspace settings"},
            )
