"""Edits of Pachca messages the bridge carried: the issue's description, the reply's comment."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import MessageEdited
from application.once.carried import CarriedMessages
from application.once.writes import TRACKER_COMMENT, OnceWriter, reply_effect
from application.services.files import EditedFiles, FileCarrier, recorded_lines
from application.services.lookups import Identities
from application.services.mentions import Mentions
from domain.comments import Comment, description_with_text
from domain.tickets import TicketKey
from ports.files import TrackerFiles
from ports.tracker import IssueTracker


@dataclass(frozen=True)
class EditMessage:
    """Rules:
    - an edited first message replaces the requester's text in the issue's description; the bridge's own lines
      (author, link, files left out) stay; an edited reply replaces its comment's text, still naming its author;
    - messages the bridge never carried (and the bot's own) are ignored; an edit that overtook its message waits
      for it (queued) while the message is young;
    - an edit no newer than the version carried changes nothing (edits may arrive out of order), nor does an edit
      of a deleted message; one version is written at a time, so the newest always ends up in Tracker;
    - an edited reply keeps naming the author recorded when it was carried, whoever the edit names;
    - files added by an edit are carried once each, as one comment on the issue naming them; files removed are
      named in it; nothing is deleted in Tracker.
    """

    files: TrackerFiles
    carried: CarriedMessages
    identities: Identities
    mentions: Mentions
    writer: OnceWriter
    tracker: IssueTracker
    carrier: FileCarrier

    def execute(self, event: MessageEdited) -> str:
        target = self.carried.target(event)
        if isinstance(target, str):
            return target

        def write() -> str:
            if target.comment_id is None:
                description = self.files.description(target.key)
                self.files.update_description(target.key, description_with_text(description, event.text))
            else:
                self._edit_comment(target.key, target.comment_id, event)
            change = self.carrier.edited(event.message_id, event.changed_at)
            if change is not None:
                self._files_changed(target.key, event, change)
            return "edited"

        return self.carried.write_version(event.message_id, event.changed_at, write) or "stale"

    def _files_changed(self, key: TicketKey, event: MessageEdited, change: EditedFiles) -> None:
        """One comment per edit that changed files: the added ones attached, the removed ones named."""
        author = self.identities.pachca_person(self.carried.author(event.message_id, event.user_id))
        text = Comment(author, change.text()).for_tracker()

        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, text, (), change.uploaded)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            found = (c for c in self.tracker.recent_comments(key) if c.author.id == robot and c.text == text)
            return next((f"{key}/{comment.comment_id}" for comment in found), None)

        self.writer.write(f"edit-files:{event.message_id}@{event.changed_at}", TRACKER_COMMENT, send, find)
        self.carrier.edited_noted(event.message_id, change)

    def _edit_comment(self, key: TicketKey, comment_id: str, event: MessageEdited) -> None:
        """The new text, still naming its author and the files that were left out of the reply."""
        author = self.identities.pachca_person(self.carried.author(event.message_id, event.user_id))
        text = Comment(author, self.mentions.pachca_to_tracker(event.text).text).for_tracker()
        lines = recorded_lines(self.writer.log, reply_effect(event.message_id))
        self.files.edit_comment(key, comment_id, "\n\n".join([text, *lines]))
