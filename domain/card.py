"""The bot's card in a ticket's thread: the key, the status, and the buttons that make sense now."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actions import RATINGS, Action, ButtonPress
from domain.text.pachca_text import one_line
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
