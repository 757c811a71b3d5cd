"""Where the bridge carried a Pachca message, for its edits and deletions: the issue, or the reply's comment; who
wrote it; and which of its versions Tracker shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from application.events import MessageDeleted, MessageEdited
from application.once.writes import PACHCA_MESSAGE, OnceWriter, author_effect, reply_effect
from application.services.lookups import Identities
from application.services.provenance import Provenance
from domain.comments import moment_of
from domain.tickets import TicketKey
from ports.errors import TransientFailure
from ports.state.records import CarriedVersions, LinkStore, VersionClaim

WAIT_FOR_NEW_SECONDS = 600.0  # an edit of a message younger than this may have overtaken its `new`
VERSION_LEASE_SECONDS = 120.0  # how long one writer holds a message's version: longer than any Tracker write
T = TypeVar("T")


@dataclass(frozen=True)
class Carried:
    """Where a Pachca message went: an issue (a ticket's first message) or one of its comments (a reply)."""

    key: TicketKey
    comment_id: str | None = None


@dataclass(frozen=True)
class CarriedMessages:
    """Finds where the bridge carried a message, from its own records only: nothing it never carried is touched.

    Rules:
    - one version of a message is written to Tracker at a time; a version no newer than the one carried changes
      nothing, nor does any version after the deletion; a version that finds another being written waits (queued);
    - a carried reply keeps the author recorded when it was carried: an edit or deletion naming someone else does
      not rewrite it under their name.
    """

    links: LinkStore
    writer: OnceWriter
    identities: Identities
    versions: CarriedVersions
    provenance: Provenance

    def target(self, event: MessageEdited | MessageDeleted) -> Carried | str:
        """Where the event's message went, or why there is nothing to change: `own_message`, `not_carried`."""
        if event.user_id == self.identities.bot_user_id() or self.writer.log.is_own(
            PACHCA_MESSAGE, str(event.message_id)
        ):
            return "own_message"
        may_wait = self.provenance.may_hold_tickets(event.chat_id, event.direct)
        carried = self.find(event.message_id, event.root_message_id, event.created_at, may_wait)
        return "not_carried" if carried is None else carried

    def find(self, message_id: int, root_message_id: int, created_at: float, may_wait: bool = True) -> Carried | None:
        """Raises TransientFailure while a young message may yet be carried (its `new` was overtaken); never for a
        message outside the chats that hold tickets (`may_wait` false): nothing there is queued or retried."""
        carried = self._reply(message_id) if root_message_id else self._first(message_id)
        if carried is None and may_wait and self.writer.clock.now() - created_at < WAIT_FOR_NEW_SECONDS:
            raise TransientFailure("this message has not been carried yet: waiting for it")
        return carried

    def author(self, message_id: int, named: int) -> int:
        """The recorded author of a carried reply; `named` (the event's) when none was recorded."""
        record = self.writer.log.lookup(author_effect(message_id))
        return int(record.external_id) if record is not None and record.external_id else named

    def write_version(self, message_id: int, changed_at: str | None, write: Callable[[], T]) -> T | None:
        """Runs `write` as the newest version of the message (`changed_at`; None: its deletion) and records it;
        None when the version is stale. Raises TransientFailure while another version is being written."""
        moment = None if changed_at is None else moment_of(changed_at)
        taken = self.versions.take_version(message_id, moment, self.writer.clock.now(), VERSION_LEASE_SECONDS)
        if taken is VersionClaim.STALE:
            return None
        if taken is VersionClaim.BUSY:
            raise TransientFailure("another version of this message is being carried: after it")
        try:
            done = write()
        except BaseException:
            self.versions.let_go_version(message_id)
            raise
        self.versions.carry_version(message_id, moment)
        return done

    def _first(self, message_id: int) -> Carried | None:
        ticket = self.links.ticket_by_message(message_id)
        return Carried(ticket.key) if ticket is not None else None

    def _reply(self, message_id: int) -> Carried | None:
        record = self.writer.log.lookup(reply_effect(message_id))
        if record is None or not record.external_id:
            return None
        key, _, comment_id = record.external_id.partition("/")
        return Carried(TicketKey(key), comment_id)
