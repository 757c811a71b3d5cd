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


@dataclass(frozen=True)
class ButtonPress:
    """The data of a bot button: `verb:KEY`, or `verb` alone for actions without a ticket."""

    action: Action
    key: TicketKey | None = None

    def encode(self) -> str:
        return self.action.value if self.key is None else f"{self.action.value}:{self.key}"

    @classmethod
    def decode(cls, data: str) -> ButtonPress | None:
        verb, _, key = data.partition(":")
        try:
            action = Action(verb)
            return cls(action, TicketKey(key) if key else None)
        except ValueError:
            return None
