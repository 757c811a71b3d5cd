"""What the tracker is asked to create for a Pachca message."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.links import IssueLink
from domain.people import Person
from domain.tickets import ThreadRef, unique_for_message

TICKET_TAG = "Создана в Пачке"
SUMMARY_LIMIT = 120


@dataclass(frozen=True)
class PachcaMessage:
    message_id: int
    chat_id: int
    user_id: int
    text: str
    url: str


@dataclass(frozen=True)
class NewIssue:
    queue: str
    summary: str
    description: str
    unique: str
    tags: tuple[str, ...]
    local_fields: dict[str, str] = field(default_factory=dict)
    attachment_ids: tuple[str, ...] = ()  # temporary attachments that become the issue's files

    @classmethod
    def from_message(
        cls, queue: str, message: PachcaMessage, author: Person, thread: ThreadRef, topic: str | None = None
    ) -> NewIssue:
        summary = ticket_summary(message.text, topic)
        author_line = author.display_name + (f" (@{author.nickname})" if author.nickname else "")
        link = IssueLink(message.message_id, message.chat_id, message.user_id, thread.thread_id)
        return cls(
            queue=queue,
            summary=summary,
            description=f"{message.text}\n\nАвтор: {author_line}\n{message.url}",
            unique=unique_for_message(message.message_id),
            tags=(TICKET_TAG,),
            local_fields=link.to_fields(),
        )


def ticket_summary(text: str, topic: str | None = None) -> str:
    """The first line of the message, after the intake form's topic when there is one."""
    summary = summarize(text)
    return truncate(f"{topic}: {summary}", SUMMARY_LIMIT) if topic else summary


def summarize(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return truncate(first_line, SUMMARY_LIMIT) or "Заявка из Пачки"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
