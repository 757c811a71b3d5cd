from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.card import Button
from domain.people import Person
from domain.tickets import ThreadRef
from ports.files import PachcaUpload

ButtonRows = Sequence[Sequence[Button]]


@dataclass(frozen=True)
class PostedMessage:
    message_id: int
    user_id: int
    text: str
    url: str = ""  # the message's own link in Pachca's web app
    chat_id: int = 0  # the chat it is in, when Pachca said (a direct message's chat is only known this way)


@dataclass(frozen=True)
class MessageInfo:
    """A message as Pachca shows it: where it is, who wrote it, and its thread if someone opened one."""

    message_id: int
    chat_id: int
    user_id: int
    thread: ThreadRef | None = None
    direct: bool = False  # in a direct conversation with the bot


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    options: tuple[tuple[str, str], ...] = ()  # (text, value); empty for a free-text field


@runtime_checkable
class ChatMessenger(Protocol):
    """The team messenger where people ask for help."""

    def own_user_id(self) -> int: ...

    def get_user(self, user_id: int) -> Person: ...

    def search_users(self, query: str) -> list[Person]: ...

    def open_thread(self, message_id: int) -> ThreadRef: ...

    def message_url(self, chat_id: int, message_id: int) -> str:
        """A message's link in the web app, known without a call (posts carry it as Pachca answered it)."""
        ...

    def post_to_thread(
        self, thread: ThreadRef, text: str, buttons: ButtonRows = (), files: Sequence[PachcaUpload] = ()
    ) -> PostedMessage:
        """`files`: uploads to name on the message (the last of Pachca's three upload steps)."""
        ...

    def post_to_chat(self, chat_id: int, text: str, buttons: ButtonRows = ()) -> PostedMessage: ...

    def post_to_user(self, user_id: int, text: str) -> PostedMessage:
        """A direct message from the bot to one person (the chat is created when there is none yet)."""
        ...

    def update_message(self, message_id: int, text: str, buttons: ButtonRows, chat_id: int | None = None) -> None: ...

    def recent_messages(self, chat_id: int, limit: int = 50) -> list[PostedMessage]:
        """Newest first; a thread's messages are in its own chat (`ThreadRef.chat_id`)."""
        ...

    def first_messages(self, chat_id: int, limit: int = 10) -> list[PostedMessage]:
        """Oldest first: where the bot's card is in a ticket's thread."""
        ...

    def get_message(self, message_id: int) -> MessageInfo:
        """Reads a message; never opens its thread. NotFound when it does not exist."""
        ...

    def open_form(
        self, trigger_id: str, callback_id: str, title: str, fields: Sequence[FormField], metadata: str
    ) -> None: ...
