"""Writes that must happen once, although neither Pachca messages nor Tracker comments are idempotent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.services.lookups import Identities
from domain.tickets import ThreadRef, TicketKey
from ports.clock import Clock
from ports.errors import OutcomeUnknown
from ports.files import PachcaUpload
from ports.messenger import ButtonRows, ChatMessenger, PostedMessage
from ports.state.records import WriteLog

PACHCA_MESSAGE = "pachca_message"
TRACKER_COMMENT = "tracker_comment"
AUTHOR = "pachca_author"


def author_effect(message_id: int) -> str:
    """Records who wrote a carried reply: its edits and deletion keep naming them, whoever the event names."""
    return f"author:{message_id}"


def announced_key(key: str | TicketKey) -> str:
    """Where the last status announced for an issue is kept (the recovery pass compares with it too)."""
    return f"status:announced:{key}"


def reply_effect(message_id: int) -> str:
    """The write of a thread reply as a Tracker comment (its id is `<KEY>/<comment id>`); edits find it by this."""
    return f"comment:{message_id}"


@dataclass(frozen=True)
class OnceWriter:
    """Rules:
    - a write already recorded is not repeated: its recorded id is returned;
    - a write whose outcome was lost is looked for on the remote side before it is sent again;
    - every write the bridge makes is recorded by kind and id, so its echo is recognised by id.
    """

    log: WriteLog
    clock: Clock

    def begun(self, effect: str) -> bool:
        """Whether an attempt at this write was made before, whatever came of it."""
        return self.log.lookup(effect) is not None

    def remember(self, effect: str, kind: str, value: str) -> None:
        """Records a fact for the ticket's lasting record (retention never forgets it)."""
        self.log.begin(effect, kind, self.clock.now(), lasting=True)
        self.log.finish(effect, kind, value)

    def write(
        self,
        effect: str,
        kind: str,
        send: Callable[[], str],
        find: Callable[[], str | None],
        lasting: bool = False,
    ) -> str:
        """`lasting`: the record belongs to the ticket's lasting record, as its links do (see `WriteLog.begin`)."""
        record = self.log.lookup(effect)
        if record is not None and record.external_id is not None:
            return record.external_id
        if record is not None:
            found = find()
            if found is not None:
                self.log.finish(effect, kind, found)
                return found
        else:
            self.log.begin(effect, kind, self.clock.now(), lasting)
        try:
            external_id = send()
        except OutcomeUnknown:
            found = find()
            if found is None:
                raise
            external_id = found
        self.log.finish(effect, kind, external_id)
        return external_id


@dataclass(frozen=True)
class Poster:
    """The bot's posts, each made once: a post whose answer was lost is looked for where it was sent first."""

    messenger: ChatMessenger
    identities: Identities
    writer: OnceWriter

    def to_thread(
        self,
        effect: str,
        thread: ThreadRef,
        text: str,
        buttons: ButtonRows = (),
        files: Sequence[PachcaUpload] = (),
        lasting: bool = False,
    ) -> int:
        """`lasting`: the post's record is never forgotten (see `OnceWriter.write`)."""

        def send() -> PostedMessage:
            return self.messenger.post_to_thread(thread, text, buttons, files)

        return self._once(effect, thread.chat_id, text, send, lasting)[0]

    def to_chat(self, effect: str, chat_id: int, text: str, buttons: ButtonRows = ()) -> int:
        return self.to_chat_linked(effect, chat_id, text, buttons)[0]

    def to_chat_linked(self, effect: str, chat_id: int, text: str, buttons: ButtonRows = ()) -> tuple[int, str]:
        """The post's id and link: as Pachca answered, or as the messenger links a post an earlier attempt made."""

        def send() -> PostedMessage:
            return self.messenger.post_to_chat(chat_id, text, buttons)

        message_id, posted = self._once(effect, chat_id, text, send)
        return message_id, (posted.url if posted else "") or self.messenger.message_url(chat_id, message_id)

    def to_user(self, effect: str, user_id: int, text: str, known_chat: int | None = None) -> PostedMessage:
        """A direct message; a lost answer is looked for in the direct chat when its id is known (`known_chat`),
        which the answer to an earlier direct message tells (`PostedMessage.chat_id`)."""

        def send() -> PostedMessage:
            return self.messenger.post_to_user(user_id, text)

        message_id, posted = self._once(effect, known_chat, text, send)
        return posted or PostedMessage(message_id, self.identities.bot_user_id(), text, chat_id=known_chat or 0)

    def _once(
        self, effect: str, chat_id: int | None, text: str, send: Callable[[], PostedMessage], lasting: bool = False
    ) -> tuple[int, PostedMessage | None]:
        """The post's id, and the post when this attempt sent or found it (not when an earlier one recorded it)."""
        seen: list[PostedMessage] = []

        def sent() -> str:
            seen.append(send())
            return str(seen[-1].message_id)

        def find() -> str | None:
            if chat_id is None:
                return None  # nowhere known to look: a direct chat not yet seen
            bot = self.identities.bot_user_id()
            posted = self.messenger.recent_messages(chat_id)
            seen.extend(m for m in posted if m.user_id == bot and m.text == text)
            return str(seen[0].message_id) if seen else None

        message_id = int(self.writer.write(effect, PACHCA_MESSAGE, sent, find, lasting))
        return message_id, next((m for m in seen if m.message_id == message_id), None)
