"""Comments travelling between a thread and its issue."""

from __future__ import annotations

from dataclasses import dataclass

from domain.files import FileRef
from domain.pachca_text import one_line
from domain.people import Person
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
