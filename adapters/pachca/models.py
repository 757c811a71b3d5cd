"""Pachca's answers, read tolerantly (unknown fields ignored), and their conversion to the bridge's terms."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.people import Person
from domain.tickets import ThreadRef
from ports.messenger import MessageInfo, PostedMessage

T = TypeVar("T")


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)  # built on first use: a shorter cold start


class Data(Reply, Generic[T]):
    data: T


class TokenInfoReply(Reply):
    user_id: int
    scopes: list[str] | None = None


class PachcaUser(Reply):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    nickname: str | None = None
    email: str | None = None
    bot: bool = False

    def to_person(self) -> Person:
        full_name = f"{self.first_name or ''} {self.last_name or ''}".strip()
        return Person(
            id=str(self.id),
            display_name=full_name or self.nickname or str(self.id),
            nickname=self.nickname or None,
            email=self.email or None,
            is_bot=self.bot,
        )


class Thread(Reply):
    id: int
    chat_id: int
    message_id: int
    message_chat_id: int


class Message(Reply):
    id: int
    user_id: int
    content: str = ""
    url: str = ""
    chat_id: int = 0

    def to_posted(self) -> PostedMessage:
        return PostedMessage(self.id, self.user_id, self.content, self.url, self.chat_id)


class MessageThread(Reply):
    id: int
    chat_id: int


class FullMessage(Message):
    """`GET /messages/{id}`: the message with where it is and its thread, `null` until someone opens it."""

    entity_type: str = "discussion"
    thread: MessageThread | None = None

    def to_info(self) -> MessageInfo:
        thread = ThreadRef(self.thread.id, self.thread.chat_id, self.id, self.chat_id) if self.thread else None
        return MessageInfo(self.id, self.chat_id, self.user_id, thread, direct=self.entity_type == "user")
