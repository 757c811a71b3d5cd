"""Writes that must happen once, although neither Pachca messages nor Tracker comments are idempotent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.tickets import TicketKey
from ports.clock import Clock
from ports.errors import OutcomeUnknown
from ports.state.records import WriteLog

PACHCA_MESSAGE = "pachca_message"
TRACKER_COMMENT = "tracker_comment"
AUTHOR = "pachca_author"


def author_effect(message_id: int) -> str:
    """Records who wrote a carried reply: its edits and deletion keep naming them, whoever the event names."""
    return f"author:{message_id}"


def announced_key(key: str | TicketKey) -> str:
    """Where the last status announced for an issue is kept (the recovery pass compares with it too)."""
    return f"status:announced:{key}"


def reply_effect(message_id: int) -> str:
    """The write of a thread reply as a Tracker comment (its id is `<KEY>/<comment id>`); edits find it by this."""
    return f"comment:{message_id}"


@dataclass(frozen=True)
class OnceWriter:
    """Rules:
    - a write already recorded is not repeated: its recorded id is returned;
    - a write whose outcome was lost is looked for on the remote side before it is sent again;
    - every write the bridge makes is recorded by kind and id, so its echo is recognised by id.
    """

    log: WriteLog
    clock: Clock

    def begun(self, effect: str) -> bool:
        """Whether an attempt at this write was made before, whatever came of it."""
        return self.log.lookup(effect) is not None

    def remember(self, effect: str, kind: str, value: str) -> None:
        """Records a fact for the ticket's lasting record (retention never forgets it)."""
        self.log.begin(effect, kind, self.clock.now(), lasting=True)
        self.log.finish(effect, kind, value)

    def write(
        self,
        effect: str,
        kind: str,
        send: Callable[[], str],
        find: Callable[[], str | None],
        lasting: bool = False,
    ) -> str:
        """`lasting`: the record belongs to the ticket's lasting record, as its links do (see `WriteLog.begin`)."""
        record = self.log.lookup(effect)
        if record is not None and record.external_id is not None:
            return record.external_id
        if record is not None:
            found = find()
            if found is not None:
                self.log.finish(effect, kind, found)
                return found
        else:
            self.log.begin(effect, kind, self.clock.now(), lasting)
        try:
            external_id = send()
        except OutcomeUnknown:
            found = find()
            if found is None:
                raise
            external_id = found
        self.log.finish(effect, kind, external_id)
        return external_id
