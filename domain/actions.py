"""What a bot button asks for, encoded in the button's data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.tickets import TicketKey


class Action(Enum):
    TAKE = "take"
    CLOSE = "close"
    REOPEN = "reopen"
    MINE = "mine"
    NEW = "new"
    RATE = "rate"  # the requester's rating of a closed ticket: `rate:KEY:<1-5>`
    UNSOLVED = "unsolved"  # «Не решено» under the rating request: reopens the ticket
    CLAIM = "claim"  # «Взять» in the agents' chat: assigns the issue to whoever pressed it
    MERGE = "merge"  # «Объединить с …» on a follow-up's card: `merge:NEWKEY:EARLIERKEY`


@dataclass(frozen=True)
class ButtonPress:
    """The data of a bot button: `verb:KEY`, `verb:KEY:value`, or `verb` alone for actions without a ticket."""

    action: Action
    key: TicketKey | None = None
    value: str | None = None  # a rating (`1`..`5`), or the issue a follow-up merges into

    def encode(self) -> str:
        parts = [self.action.value, *([str(self.key)] if self.key else []), *([self.value] if self.value else [])]
        return ":".join(parts)

    @classmethod
    def decode(cls, data: str) -> ButtonPress | None:
        verb, _, rest = data.partition(":")
        key, _, value = rest.partition(":")
        try:
            action = Action(verb)
            return cls(action, TicketKey(key) if key else None, value or None)
        except ValueError:
            return None

    @property
    def rating(self) -> int | None:
        """A rating from 1 to 5, or None when the button carries none (or a forged one)."""
        return int(self.value) if self.value in RATINGS else None

    @property
    def other_key(self) -> TicketKey | None:
        try:
            return TicketKey(self.value) if self.value else None
        except ValueError:
            return None


RATINGS = ("1", "2", "3", "4", "5")
