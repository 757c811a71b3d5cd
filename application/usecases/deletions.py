"""Deletions of Pachca messages the bridge carried: noted in Tracker, nothing deleted there."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import MessageDeleted
from application.once.carried import CarriedMessages
from application.once.writes import TRACKER_COMMENT, OnceWriter
from application.services.lookups import Identities
from domain.comments import FIRST_MESSAGE_DELETED, REPLY_DELETED, Comment
from domain.tickets import TicketKey
from ports.files import TrackerFiles
from ports.tracker import IssueTracker


@dataclass(frozen=True)
class DeleteMessage:
    """Rules:
    - a deleted reply's comment becomes a short note that it was deleted in Pachca, naming its author; nothing is
      deleted in Tracker;
    - a deleted first message is noted on its issue as one comment;
    - later edits of a deleted message change nothing, nor does an edit being written meanwhile (the deletion
      waits for it); messages the bridge never carried are ignored;
    - the note names the reply's author recorded when it was carried, whoever the deletion names.
    """

    tracker: IssueTracker
    files: TrackerFiles
    carried: CarriedMessages
    identities: Identities
    writer: OnceWriter

    def execute(self, event: MessageDeleted) -> str:
        target = self.carried.target(event)
        if isinstance(target, str):
            return target

        def write() -> str:
            if target.comment_id is not None:
                author = self.identities.pachca_person(self.carried.author(event.message_id, event.user_id))
                self.files.edit_comment(target.key, target.comment_id, Comment(author, REPLY_DELETED).for_tracker())
            else:
                self._note(target.key, event.message_id)
            return "deleted"

        return self.carried.write_version(event.message_id, None, write) or "already_deleted"

    def _note(self, key: TicketKey, message_id: int) -> None:
        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, FIRST_MESSAGE_DELETED)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            found = (c for c in self.tracker.recent_comments(key) if c.author.id == robot)
            return next((f"{key}/{c.comment_id}" for c in found if c.text == FIRST_MESSAGE_DELETED), None)

        self.writer.write(f"deleted:{message_id}", TRACKER_COMMENT, send, find)
