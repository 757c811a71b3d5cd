"""Comments travelling between a thread and its issue, and what edits, deletions and internal notes look like on
the other side. An internal-note marker is recognised however it is disguised: both sides are compared folded to
what a reader sees (`folded`)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.files import FileRef
from domain.people import Person
from domain.text.pachca_text import one_line
from domain.tickets import TicketKey


@dataclass(frozen=True)
class Comment:
    """A comment travelling from one side to the other."""

    author: Person
    text: str

    def for_tracker(self) -> str:
        return f"**{self.author.display_name}** (Пачка):\n\n{self.text}"

    def for_pachca(self) -> str:
        return f"Добавлен комментарий:\nАвтор: {one_line(self.author.display_name)}\n{self.text}"


@dataclass(frozen=True)
class TrackerComment:
    issue_key: TicketKey
    comment_id: str
    author: Person
    text: str
    files: tuple[FileRef, ...] = ()  # its attachments
    created_at: str = ""  # ISO-8601, as Tracker wrote it


AUTHOR_MARKER = "\n\nАвтор: "  # where the bridge's own lines of an issue description begin
REPLY_DELETED = "_Сообщение удалено в Пачке._"
FIRST_MESSAGE_DELETED = "Исходное сообщение этой заявки удалено в Пачке."
DEFAULT_INTERNAL_MARKERS = ("#внутр", "#internal")


def description_with_text(description: str, text: str) -> str:
    """The description with the requester's text replaced and the bridge's own lines (author, link, files) kept."""
    _, marker, own_lines = description.rpartition(AUTHOR_MARKER)
    return f"{text}{marker}{own_lines}" if marker else text


def is_internal_note(text: str, markers: Iterable[str]) -> bool:
    """A note for agents only: it contains one of the markers, compared as a reader sees them (`folded`: without
    case, invisible characters, markup, HTML entities, or look-alike letters). Folding only ever finds more: in
    doubt, the note stays in Tracker."""
    wanted = [marker for marker in markers if marker.strip()]
    plain = text.casefold()
    if any(marker.casefold() in plain for marker in wanted):
        return True
    seen = folded(text)
    return any(folded(marker) in seen for marker in wanted if folded(marker))


def moment_of(changed_at: str) -> float:
    """A Pachca `changed_at` (ISO-8601) as seconds since the epoch: versions of a message ordered by it."""
    return _moment(changed_at).timestamp()


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# Text folded to what a reader sees, for comparing a marker with text someone may have disguised: markup and HTML
# entities gone, invisible characters gone, compatibility forms (full-width `＃`) normalised, case folded, and letters
# that look alike (Latin, Cyrillic, Greek) made one. Every step is linear in the text.

# HTML or XML tags and comments (`<b>`, `</b>`, `<!-- -->`): what is between `<` and the next `>`
_TAGS = re.compile(r"<[^<>]*>")
# characters that take no room: soft hyphen, zero-width spaces and joiners, word joiners, direction marks, BOM,
# variation selectors, tag characters, Hangul fillers, combining marks laid over the previous letter
_INVISIBLE = re.compile(
    "["
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff\U0001d173-\U0001d17a"
    "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "]+"
)
# Markdown and YFM emphasis, escapes and code marks a marker can be split by (`**#**внутр`, `\#internal`)
_MARKUP = re.compile(r"[*_~`\\|]+")
# after case folding: each look-alike letter to one representative (Cyrillic and Greek to the Latin they resemble)
_LOOK_ALIKES = str.maketrans(
    {
        **dict.fromkeys("аα", "a"),
        **dict.fromkeys("вβь", "b"),
        **dict.fromkeys("сϲ", "c"),
        "ԁ": "d",
        **dict.fromkeys("еεё", "e"),
        "һ": "h",
        "н": "h",
        **dict.fromkeys("іιıїlӏ1", "i"),  # an upper-case I passes for an l
        "ј": "j",
        **dict.fromkeys("кκ", "k"),
        **dict.fromkeys("мμ", "m"),
        **dict.fromkeys("ηп", "n"),
        **dict.fromkeys("оο0", "o"),
        **dict.fromkeys("рρ", "p"),
        "ԛ": "q",
        "г": "r",
        "ѕ": "s",
        **dict.fromkeys("тτ", "t"),
        **dict.fromkeys("υ", "u"),
        "ν": "v",
        "ѡ": "w",
        **dict.fromkeys("хχ", "x"),
        **dict.fromkeys("уγү", "y"),
        "з": "3",
        **dict.fromkeys("♯⌗⋕", "#"),
    }
)
_ENTITY_ROUNDS = 3  # `&amp;#35;` is `&#35;` once unescaped, and `#` twice


def folded(text: str) -> str:
    """`text` as a comparison should see it; not for showing to anyone."""
    for _ in range(_ENTITY_ROUNDS):
        if "&" not in text:
            break
        text = html.unescape(text)
    text = _TAGS.sub("", text)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKD", text.casefold()))  # accents off, after case folding
    return _MARKUP.sub("", text).translate(_LOOK_ALIKES)
