"""Edits and deletions of Pachca messages the bridge carried: the issue's description, the reply's comment."""

from __future__ import annotations

from dataclasses import dataclass

from application.comments import reply_effect
from application.events import MessageDeleted, MessageEdited
from application.files import recorded_lines
from application.identities import Identities
from application.mentions import Mentions
from application.writes import PACHCA_MESSAGE, TRACKER_COMMENT, OnceWriter
from domain.comments import Comment
from domain.edits import FIRST_MESSAGE_DELETED, REPLY_DELETED, description_with_text, is_newer
from domain.tickets import TicketKey
from ports.errors import TransientFailure
from ports.files import TrackerFiles
from ports.state import LinkStore, WriteLog
from ports.tracker import IssueTracker

VERSION = "pachca_version"
DELETED = "deleted"
WAIT_FOR_NEW_SECONDS = 600.0  # an edit of a message younger than this may have overtaken its `new`


def version_effect(message_id: int) -> str:
    """Records the `changed_at` of the version last carried (or that the message was deleted)."""
    return f"version:{message_id}"


@dataclass(frozen=True)
class Carried:
    """Where a Pachca message went: an issue (a ticket's first message) or one of its comments (a reply)."""

    key: TicketKey
    comment_id: str | None = None


@dataclass(frozen=True)
class CarriedMessages:
    """Finds where the bridge carried a message, from its own records only: nothing it never carried is touched."""

    links: LinkStore
    writer: OnceWriter

    def find(self, message_id: int, root_message_id: int, created_at: float) -> Carried | None:
        """Raises TransientFailure while a young message may yet be carried (its `new` was overtaken)."""
        carried = self._reply(message_id) if root_message_id else self._first(message_id)
        if carried is None and self.writer.clock.now() - created_at < WAIT_FOR_NEW_SECONDS:
            raise TransientFailure("this message has not been carried yet: waiting for it")
        return carried

    def is_stale(self, message_id: int, changed_at: str) -> bool:
        record = self.writer.log.lookup(version_effect(message_id))
        if record is None or record.external_id is None:
            return False
        return record.external_id == DELETED or not is_newer(changed_at, record.external_id)

    def carried_version(self, message_id: int, version: str) -> None:
        self.writer.log.finish(version_effect(message_id), VERSION, version)

    def _first(self, message_id: int) -> Carried | None:
        ticket = self.links.ticket_by_message(message_id)
        return Carried(ticket.key) if ticket is not None else None

    def _reply(self, message_id: int) -> Carried | None:
        record = self.writer.log.lookup(reply_effect(message_id))
        if record is None or not record.external_id:
            return None
        key, _, comment_id = record.external_id.partition("/")
        return Carried(TicketKey(key), comment_id)


@dataclass(frozen=True)
class EditMessage:
    """Rules:
    - an edited first message replaces the requester's text in the issue's description; the bridge's own lines
      (author, link, files left out) stay; an edited reply replaces its comment's text, still naming its author;
    - messages the bridge never carried (and the bot's own) are ignored; an edit that overtook its message waits
      for it (queued) while the message is young;
    - an edit no newer than the version carried changes nothing (edits may arrive out of order), nor does an edit
      of a deleted message.
    """

    files: TrackerFiles
    carried: CarriedMessages
    identities: Identities
    mentions: Mentions
    writer: OnceWriter

    def execute(self, event: MessageEdited) -> str:
        if _is_own(self.identities, self.writer.log, event.user_id, event.message_id):
            return "own_message"
        target = self.carried.find(event.message_id, event.root_message_id, event.created_at)
        if target is None:
            return "not_carried"
        if self.carried.is_stale(event.message_id, event.changed_at):
            return "stale"
        if target.comment_id is None:
            description = self.files.description(target.key)
            self.files.update_description(target.key, description_with_text(description, event.text))
        else:
            self._edit_comment(target.key, target.comment_id, event)
        self.carried.carried_version(event.message_id, event.changed_at)
        return "edited"

    def _edit_comment(self, key: TicketKey, comment_id: str, event: MessageEdited) -> None:
        """The new text, still naming its author and the files that were left out of the reply."""
        author = self.identities.pachca_person(event.user_id)
        text = Comment(author, self.mentions.pachca_to_tracker(event.text).text).for_tracker()
        lines = recorded_lines(self.writer.log, reply_effect(event.message_id))
        self.files.edit_comment(key, comment_id, "\n\n".join([text, *lines]))


@dataclass(frozen=True)
class DeleteMessage:
    """Rules:
    - a deleted reply's comment becomes a short note that it was deleted in Pachca, naming its author; nothing is
      deleted in Tracker;
    - a deleted first message is noted on its issue as one comment;
    - later edits of a deleted message change nothing; messages the bridge never carried are ignored.
    """

    tracker: IssueTracker
    files: TrackerFiles
    carried: CarriedMessages
    identities: Identities
    writer: OnceWriter

    def execute(self, event: MessageDeleted) -> str:
        if _is_own(self.identities, self.writer.log, event.user_id, event.message_id):
            return "own_message"
        target = self.carried.find(event.message_id, event.root_message_id, event.created_at)
        if target is None:
            return "not_carried"
        if target.comment_id is not None:
            author = self.identities.pachca_person(event.user_id)
            self.files.edit_comment(target.key, target.comment_id, Comment(author, REPLY_DELETED).for_tracker())
        else:
            self._note(target.key, event.message_id)
        self.carried.carried_version(event.message_id, DELETED)
        return "deleted"

    def _note(self, key: TicketKey, message_id: int) -> None:
        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, FIRST_MESSAGE_DELETED)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            found = (c for c in self.tracker.recent_comments(key) if c.author.id == robot)
            return next((f"{key}/{c.comment_id}" for c in found if c.text == FIRST_MESSAGE_DELETED), None)

        self.writer.write(f"deleted:{message_id}", TRACKER_COMMENT, send, find)


def _is_own(identities: Identities, log: WriteLog, user_id: int, message_id: int) -> bool:
    return user_id == identities.bot_user_id() or log.is_own(PACHCA_MESSAGE, str(message_id))
