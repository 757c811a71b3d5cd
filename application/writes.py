"""Writes that must happen once, although neither Pachca messages nor Tracker comments are idempotent."""

from __future__ import annotations

from collections.abc import Callable

from application.identities import Identities
from domain.model import ThreadRef
from ports.clock import Clock
from ports.errors import OutcomeUnknown
from ports.messenger import ButtonRows, ChatMessenger
from ports.state import WriteLog

PACHCA_MESSAGE = "pachca_message"
TRACKER_COMMENT = "tracker_comment"


class OnceWriter:
    """Rules:
    - a write already recorded is not repeated: its recorded id is returned;
    - a write whose outcome was lost is looked for on the remote side before it is sent again;
    - every write the bridge makes is recorded by kind and id, so its echo is recognised by id.
    """

    def __init__(self, log: WriteLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock

    def write(self, effect: str, kind: str, send: Callable[[], str], find: Callable[[], str | None]) -> str:
        record = self.log.lookup(effect)
        if record is not None and record.external_id is not None:
            return record.external_id
        if record is not None:
            found = find()
            if found is not None:
                self.log.finish(effect, kind, found)
                return found
        else:
            self.log.begin(effect, kind, self.clock.now())
        try:
            external_id = send()
        except OutcomeUnknown:
            found = find()
            if found is None:
                raise
            external_id = found
        self.log.finish(effect, kind, external_id)
        return external_id


class ThreadPoster:
    """The bot's posts in ticket threads, each made once: a lost answer is looked for in the thread first."""

    def __init__(self, messenger: ChatMessenger, identities: Identities, writer: OnceWriter) -> None:
        self.messenger = messenger
        self.identities = identities
        self.writer = writer

    def post(self, effect: str, thread: ThreadRef, text: str, buttons: ButtonRows = ()) -> int:
        def send() -> str:
            return str(self.messenger.post_to_thread(thread, text, buttons))

        def find() -> str | None:
            bot = self.identities.bot_user_id()
            posted = self.messenger.recent_thread_messages(thread)
            return next((str(m.message_id) for m in posted if m.user_id == bot and m.text == text), None)

        return int(self.writer.write(effect, PACHCA_MESSAGE, send, find))

    def posted(self, effect: str) -> bool:
        record = self.writer.log.lookup(effect)
        return record is not None and record.external_id is not None
