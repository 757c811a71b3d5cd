"""Comments travelling between a thread and its issue, and what edits, deletions and internal notes look like on
the other side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.files import FileRef
from domain.people import Person
from domain.text.folding import folded
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
