"""Where the bridge carried a Pachca message, for its edits and deletions: the issue, or the reply's comment."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import MessageDeleted, MessageEdited
from application.once.writes import PACHCA_MESSAGE, OnceWriter, reply_effect
from application.services.identities import Identities
from application.services.provenance import Provenance
from domain.comments import is_newer
from domain.tickets import TicketKey
from ports.errors import TransientFailure
from ports.records import LinkStore

VERSION = "pachca_version"
DELETED = "deleted"
WAIT_FOR_NEW_SECONDS = 600.0  # an edit of a message younger than this may have overtaken its `new`


def version_effect(message_id: int) -> str:
    """Records the `changed_at` of the version last carried (or that the message was deleted)."""
    return f"version:{message_id}"


@dataclass(frozen=True)
class Carried:
    """Where a Pachca message went: an issue (a ticket's first message) or one of its comments (a reply)."""

    key: TicketKey
    comment_id: str | None = None


@dataclass(frozen=True)
class CarriedMessages:
    """Finds where the bridge carried a message, from its own records only: nothing it never carried is touched."""

    links: LinkStore
    writer: OnceWriter
    identities: Identities
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

    def is_stale(self, message_id: int, changed_at: str) -> bool:
        record = self.writer.log.lookup(version_effect(message_id))
        if record is None or record.external_id is None:
            return False
        return record.external_id == DELETED or not is_newer(changed_at, record.external_id)

    def carried_version(self, message_id: int, version: str) -> None:
        self.writer.log.finish(version_effect(message_id), VERSION, version)

    def _first(self, message_id: int) -> Carried | None:
        ticket = self.links.ticket_by_message(message_id)
        return Carried(ticket.key) if ticket is not None else None

    def _reply(self, message_id: int) -> Carried | None:
        record = self.writer.log.lookup(reply_effect(message_id))
        if record is None or not record.external_id:
            return None
        key, _, comment_id = record.external_id.partition("/")
        return Carried(TicketKey(key), comment_id)
