"""Comments both ways: thread replies to Tracker, Tracker comments to the thread."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.events import ThreadReplyPosted
from application.helpdesk.follow_ups import FollowUps
from application.once.writes import (
    AUTHOR,
    PACHCA_MESSAGE,
    TRACKER_COMMENT,
    OnceWriter,
    Poster,
    author_effect,
    reply_effect,
)
from application.services.files import FileCarrier
from application.services.locator import TicketLocator
from application.services.lookups import Identities
from application.services.mentions import Mentions
from application.tracker_events import TrackerCommentAdded
from domain.comments import DEFAULT_INTERNAL_MARKERS, Comment, TrackerComment, is_internal_note
from domain.text.pachca_text import PACHCA_TEXT_LIMIT, fit, from_tracker
from domain.tickets import TicketKey
from ports.errors import PermanentFailure
from ports.files import PachcaUpload
from ports.state.records import WriteLog
from ports.tracker import IssueTracker

log = logging.getLogger("servicedesk.comments")

REFUSED = "Пачка не приняла текст комментария, он в Трекере: {}"
REFUSED_TEXT = (400, 413, 422)  # what Pachca answers to a text it will not take
SHOWN_AT_MOST = 2 * PACHCA_TEXT_LIMIT  # of a Tracker comment's text, more than `fit` can keep, however marked


@dataclass(frozen=True)
class RelayReply:
    """Rules:
    - a reply in a ticket's thread becomes one comment on its issue, naming the Pachca author;
    - the issue is found through the bridge's own links first, the Tracker search by `pachcaMessageId` second;
    - a reply to a ticket still being opened waits for it (it is queued), instead of being dropped;
    - replies by the bot itself, by other bots, and the bot's own posts are not relayed;
    - Pachca mentions of people known in Tracker summon them; the others stay as written;
    - the reply's files become the comment's attachments; a file left out is named in the text;
    - a reply in the thread of a follow-up merged into an earlier ticket goes to the earlier issue.
    """

    tracker: IssueTracker
    locator: TicketLocator
    log: WriteLog
    identities: Identities
    mentions: Mentions
    writer: OnceWriter
    files: FileCarrier
    follow_ups: FollowUps

    def execute(self, event: ThreadReplyPosted) -> str:
        if event.user_id == self.identities.bot_user_id() or self.log.is_own(PACHCA_MESSAGE, str(event.message_id)):
            return "own_message"
        ticket = self.locator.by_thread(event.thread)
        if ticket is None:
            return "not_a_ticket"
        author = self.identities.pachca_person(event.user_id)
        if author.is_bot:
            return "bot_message"
        resolution = self.mentions.pachca_to_tracker(event.text)
        key = self.follow_ups.merged_into(ticket.key) or ticket.key
        effect = reply_effect(event.message_id)
        files = self.files.to_tracker(effect, event.message_id, event.url or None)
        text = files.text_with_lines(Comment(author, resolution.text).for_tracker())

        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, text, resolution.notify, files.uploaded)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            for comment in self.tracker.recent_comments(key):
                if comment.author.id == robot and comment.text == text:
                    return f"{key}/{comment.comment_id}"
            return None

        self.writer.remember(author_effect(event.message_id), AUTHOR, str(event.user_id))
        self.writer.write(effect, TRACKER_COMMENT, send, find, lasting=True)  # its edits find it, months later too
        return "commented"


@dataclass(frozen=True)
class CommentSettings:
    web_url: str  # links to an issue, shown in place of a file left out
    internal_markers: tuple[str, ...] = DEFAULT_INTERNAL_MARKERS


@dataclass(frozen=True)
class RelayTrackerComment:
    """Rules:
    - a Tracker comment is posted once into its issue's thread as «Добавлен комментарий», naming its author;
    - the text, author and issue are read from Tracker, never from the trigger's body;
    - comments written by the bridge (known by id, or by the robot's authorship) are never echoed back;
    - Tracker mentions of people known in Pachca become their Pachca mentions; the others stay as written;
    - an internal note (a comment with one of the markers, in any case) stays in Tracker, whatever the trigger did;
    - the comment's attachments go with its message, pictures as pictures; a file left out is named in the text;
    - the text notifies nobody else (`@all`, `@here`, raw `<@id>` are quieted) and cannot forge the bridge's lines;
    - a text over Pachca's limit is cut with a link to the issue; one Pachca refuses anyway becomes that link;
    - a comment carried once is never carried again, whatever the retention: its record is part of the ticket's
      lasting record (Tracker's trigger bodies carry no time, so no replay window could stop a redelivery).
    """

    tracker: IssueTracker
    locator: TicketLocator
    log: WriteLog
    identities: Identities
    mentions: Mentions
    poster: Poster
    files: FileCarrier
    settings: CommentSettings

    def execute(self, event: TrackerCommentAdded) -> str:
        key = TicketKey(event.issue_key)
        if self.log.is_own(TRACKER_COMMENT, f"{key}/{event.comment_id}"):
            return "own_comment"
        comment = self.tracker.get_comment(key, event.comment_id)
        if comment.author.id == self.identities.robot_id():
            return "own_comment"
        if is_internal_note(comment.text, self.settings.internal_markers):
            return "internal_note"
        ticket = self.locator.by_key(key)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        effect = f"relay:{key}/{comment.comment_id}"  # the comment's own id, however the trigger named it
        carried = self.log.lookup(effect)
        if carried is not None and carried.external_id is not None:
            return "duplicate"
        text, uploads = self._message(effect, comment)
        try:
            self.poster.to_thread(effect, ticket.thread, text, files=uploads, lasting=True)
        except PermanentFailure as e:
            if e.status not in REFUSED_TEXT:
                raise
            log.warning("pachca refused a comment; posting a link to it instead", extra={"error": str(e)})
            refused = Comment(comment.author, REFUSED.format(self._link(comment))).for_pachca()
            self.poster.to_thread(f"{effect}:refused", ticket.thread, refused, lasting=True)
        return "posted"

    def _message(self, effect: str, comment: TrackerComment) -> tuple[str, list[PachcaUpload]]:
        """The text as Pachca shows it, with a line for each attachment left out, and the attachments uploaded."""
        shown = comment.text[:SHOWN_AT_MOST]  # `fit` keeps less: what cannot be shown is not scanned
        resolution = self.mentions.tracker_to_pachca(from_tracker(shown))
        link = self._link(comment)
        uploads, lines = self.files.to_pachca(effect, comment.files, link)
        room = PACHCA_TEXT_LIMIT - sum(len(line) + 2 for line in lines)  # the lines naming files left out stay whole
        text = fit(Comment(comment.author, resolution.text).for_pachca(), link, room)
        return "\n\n".join([text, *lines]), uploads

    def _link(self, comment: TrackerComment) -> str:
        return f"{self.settings.web_url.rstrip('/')}/{comment.issue_key}"
