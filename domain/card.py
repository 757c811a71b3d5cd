"""The bot's card in a ticket's thread: the key, the status, and the buttons that make sense now."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actions import Action, ButtonPress
from domain.pachca_text import one_line
from domain.tickets import TicketKey
from domain.workflow import TicketStatus

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
    def for_ticket(cls, key: TicketKey, web_url: str, status: TicketStatus | None = None) -> Card:
        """Only the actions that make sense now: nobody takes a ticket in progress or closes a closed one."""
        text = f"Заявка **{key}** создана"
        if status is not None and status.display:
            text += f"\nСтатус: {one_line(status.display)}"  # a name typed in Tracker
        link = (Button("Открыть в Трекере", url=f"{web_url.rstrip('/')}/{key}"),)
        mine = (Button("Мои заявки", data=ButtonPress(Action.MINE).encode()),)
        return cls(text=text, buttons=(link, _actions(key, status), mine))


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
