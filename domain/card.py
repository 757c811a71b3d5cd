"""A ticket's buttons, from what a press asks for to what the card shows.

- The actions a bot button carries, encoded in its data (`verb:KEY[:value]`).
- The workflow: what a status means (closed? taken?) and which transition carries out an action. A status's meaning
  comes from Tracker's own status type (see docs/tracker.md, statuses); a status whose type is not known is judged by
  its key, as the default workflows name them.
- The card in a ticket's thread: the key, the status, and the buttons that make sense now.

A new button is an `Action`, the transition ids that carry it out (if it moves the issue), and where the card shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from domain.text.pachca_text import one_line
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


class StatusType(Enum):
    NEW = "new"
    IN_PROGRESS = "inProgress"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


CLOSED_TYPES = frozenset({StatusType.DONE, StatusType.CANCELLED})
TYPES_BY_KEY = {  # the fallback: the status keys of Tracker's default workflows
    **dict.fromkeys(("closed", "resolved", "done"), StatusType.DONE),
    **dict.fromkeys(("cancelled", "rejected"), StatusType.CANCELLED),
    **dict.fromkeys(("inProgress", "inWork"), StatusType.IN_PROGRESS),
    **dict.fromkeys(("open", "new"), StatusType.NEW),
    "needInfo": StatusType.PAUSED,
}
TRANSITION_IDS = {
    Action.TAKE: ("start_progress", "startProgress", "inProgress"),
    Action.CLOSE: ("close", "closed", "resolve", "resolved"),
    Action.REOPEN: ("reopen", "open"),
}


@dataclass(frozen=True)
class TicketStatus:
    key: str
    display: str = ""
    type: StatusType | None = None

    @property
    def closed(self) -> bool:
        return self.type in CLOSED_TYPES

    @property
    def taken(self) -> bool:
        return self.type is StatusType.IN_PROGRESS

    def reached_by(self, action: Action) -> bool:
        if action is Action.TAKE:
            return self.taken
        if action is Action.CLOSE:
            return self.closed
        return self.type is not None and not self.closed


@dataclass(frozen=True)
class Transition:
    """A move the workflow offers from an issue's current status."""

    id: str
    display: str
    to_key: str
    to_display: str


@dataclass(frozen=True)
class Workflow:
    """The statuses of the tracker, by key: their types as Tracker reports them."""

    types: dict[str, StatusType]

    @classmethod
    def from_names(cls, types: dict[str, str]) -> Workflow:
        known = {t.value: t for t in StatusType}
        return cls({key: known[name] for key, name in types.items() if name in known})

    def status(self, key: str, display: str = "") -> TicketStatus:
        """The status with its type: Tracker's own, else the one its key names in the default workflows."""
        return TicketStatus(key, display, self.types.get(key) or TYPES_BY_KEY.get(key))

    def transition_for(self, action: Action, offered: Sequence[Transition]) -> Transition | None:
        """The transition named for the action, else the first one reaching a status that action means."""
        by_id = next((t for t in offered if t.id in TRANSITION_IDS[action]), None)
        return by_id or next((t for t in offered if self.status(t.to_key).reached_by(action)), None)


# What the bot says in a ticket's thread before its card, when the issue cannot be created at once (Tracker
# unreachable, or refusing for a while): the request is kept and the card follows.
ACCEPTED = "Заявка принята, создаём…"


def intake_post(author: str, topic: str | None, description: str) -> str:
    """The request the bot posts for a submitted form: «Автор: …» needs no declension of the name."""
    return f"Заявка ({topic}). Автор: {author}\n{description}" if topic else f"Заявка. Автор: {author}\n{description}"


@dataclass(frozen=True)
class Button:
    text: str
    url: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class Card:
    """The bot's message in a ticket's thread."""

    text: str
    buttons: tuple[tuple[Button, ...], ...]

    @classmethod
    def for_ticket(
        cls,
        key: TicketKey,
        web_url: str,
        status: TicketStatus | None = None,
        merge_into: TicketKey | None = None,
        merged_into: TicketKey | None = None,
    ) -> Card:
        """Only the actions that make sense now: nobody takes a ticket in progress or closes a closed one; a
        follow-up offers «Объединить с <KEY>» until it is closed, and once merged it offers nothing but its link."""
        text = f"Заявка **{key}** создана"
        link = (Button("Открыть в Трекере", url=f"{web_url.rstrip('/')}/{key}"),)
        if merged_into is not None:
            return cls(f"{text}\nОбъединена с **{merged_into}**: ответы в этом треде уходят в {merged_into}", (link,))
        if status is not None and status.display:
            text += f"\nСтатус: {one_line(status.display)}"  # a name typed in Tracker
        mine = (Button("Мои заявки", data=ButtonPress(Action.MINE).encode()),)
        rows: tuple[tuple[Button, ...], ...] = (link, _actions(key, status))
        if merge_into is not None and not (status is not None and status.closed):
            merge = ButtonPress(Action.MERGE, key, str(merge_into)).encode()
            rows += ((Button(f"Объединить с {merge_into}", data=merge),),)
        return cls(text=text, buttons=(*rows, mine))


RATING_REQUEST = "Оцените, пожалуйста, решение"
UNSOLVED = "Не решено"


def rating_request(key: TicketKey, chosen: str | None = None) -> Card:
    """Asked in the thread once the ticket is done: 1–5, or «Не решено»; `chosen` says what was pressed last."""
    text = RATING_REQUEST + (f"\n{chosen}" if chosen else "")
    scores = tuple(Button(score, data=ButtonPress(Action.RATE, key, score).encode()) for score in RATINGS)
    return Card(text, (scores, (Button(UNSOLVED, data=ButtonPress(Action.UNSOLVED, key).encode()),)))


def agents_announcement(
    key: TicketKey,
    web_url: str,
    summary: str,
    requester: str,
    taken_by: str | None = None,
    merged_into: TicketKey | None = None,
) -> Card:
    """The ticket as the agents' chat sees it: «Взять» until someone took it (then who did) or it was merged."""
    text = f"Новая заявка **{key}**: {one_line(summary)}\nАвтор: {one_line(requester)}"
    link = (Button("Открыть в Трекере", url=f"{web_url.rstrip('/')}/{key}"),)
    if merged_into:
        return Card(f"{text}\nОбъединена с **{merged_into}**", (link,))
    if taken_by:
        return Card(f"{text}\nВзял(а) в работу: {one_line(taken_by)}", (link,))
    return Card(text, ((Button("Взять", data=ButtonPress(Action.CLAIM, key).encode()),), link))


def is_card_of(text: str, key: TicketKey) -> bool:
    """Whether a message's text is the bot's card for `key` (a relayed comment naming the key is not)."""
    return text.startswith(f"Заявка **{key}**")


def _actions(key: TicketKey, status: TicketStatus | None) -> tuple[Button, ...]:
    def button(text: str, action: Action) -> Button:
        return Button(text, data=ButtonPress(action, key).encode())

    if status is not None and status.closed:
        return (button("Переоткрыть", Action.REOPEN),)
    if status is not None and status.taken:
        return (button("Закрыть", Action.CLOSE),)
    return (button("Взять в работу", Action.TAKE), button("Закрыть", Action.CLOSE))
