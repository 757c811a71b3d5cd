"""The link an issue keeps to its Pachca message, in the queue's local fields: named and converted here only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FIELD_DESCRIPTION = "Set by the Pachca bridge"


@dataclass(frozen=True)
class LinkField:
    """A local field of the queue, as `setup` creates it."""

    key: str
    name_en: str
    name_ru: str
    description: str = FIELD_DESCRIPTION


MESSAGE = LinkField("pachcaMessageId", "Pachca message id", "ID сообщения в Пачке")
CHAT = LinkField("pachcaChatId", "Pachca chat id", "ID чата в Пачке")
USER = LinkField("pachcaUserId", "Pachca user id", "ID автора в Пачке")
THREAD = LinkField("pachcaThreadId", "Pachca thread id", "ID треда в Пачке")
LINK_FIELDS = (MESSAGE, CHAT, USER, THREAD)
LINK_FIELD_KEYS = tuple(f.key for f in LINK_FIELDS)
RATING = LinkField("pachcaRating", "Pachca rating", "Оценка в Пачке", "The requester's rating (1-5), from Pachca")
QUEUE_FIELDS = (*LINK_FIELDS, RATING)  # what `setup` creates in each queue and `doctor` looks for


@dataclass(frozen=True)
class IssueLink:
    """Which Pachca message (in which chat, by whom, with which thread) an issue was opened from."""

    message_id: int
    chat_id: int | None = None
    user_id: int | None = None
    thread_id: int | None = None

    def to_fields(self) -> dict[str, str]:
        values = (self.message_id, self.chat_id, self.user_id, self.thread_id)
        return {f.key: str(v) for f, v in zip(LINK_FIELDS, values, strict=True) if v is not None}

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> IssueLink | None:
        """None when the issue names no Pachca message: it was not opened by the bridge."""
        message_id, chat_id, user_id, thread_id = (_number(fields, f.key) for f in LINK_FIELDS)
        return None if message_id is None else cls(message_id, chat_id, user_id, thread_id)


def _number(fields: Mapping[str, str], name: str) -> int | None:
    value = fields.get(name, "").strip()
    return int(value) if value.isdigit() else None
