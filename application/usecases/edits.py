"""Edits of Pachca messages the bridge carried: the issue's description, the reply's comment."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import MessageEdited
from application.once.carried import CarriedMessages
from application.once.writes import OnceWriter, reply_effect
from application.services.files import recorded_lines
from application.services.identities import Identities
from application.services.mentions import Mentions
from domain.comments import Comment, description_with_text
from domain.tickets import TicketKey
from ports.files import TrackerFiles


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
        target = self.carried.target(event)
        if isinstance(target, str):
            return target
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
