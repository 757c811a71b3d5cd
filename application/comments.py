"""Comments both ways: thread replies to Tracker, Tracker comments to the thread."""

from __future__ import annotations

import logging

from application.events import ThreadReplyPosted, TrackerCommentAdded
from application.identities import Identities
from application.locator import TicketLocator
from application.mentions import Mentions
from application.writes import PACHCA_MESSAGE, TRACKER_COMMENT, OnceWriter, Poster
from domain.comments import Comment
from domain.pachca_text import fit, from_tracker
from domain.tickets import TicketKey
from ports.errors import PermanentFailure
from ports.state import WriteLog
from ports.tracker import IssueTracker

log = logging.getLogger("servicedesk.comments")

REFUSED = "Пачка не приняла текст комментария, он в Трекере: {}"
REFUSED_TEXT = (400, 413, 422)  # what Pachca answers to a text it will not take


class RelayReply:
    """Rules:
    - a reply in a ticket's thread becomes one comment on its issue, naming the Pachca author;
    - the issue is found through the bridge's own links first, the Tracker search by `pachcaMessageId` second;
    - a reply to a ticket still being opened waits for it (it is queued), instead of being dropped;
    - replies by the bot itself, by other bots, and the bot's own posts are not relayed;
    - Pachca mentions of people known in Tracker summon them; the others stay as written.
    """

    def __init__(
        self,
        tracker: IssueTracker,
        locator: TicketLocator,
        log: WriteLog,
        identities: Identities,
        mentions: Mentions,
        writer: OnceWriter,
    ) -> None:
        self.tracker = tracker
        self.locator = locator
        self.log = log
        self.identities = identities
        self.mentions = mentions
        self.writer = writer

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
        text = Comment(author, resolution.text).for_tracker()
        key = ticket.key

        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, text, resolution.notify)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            for comment in self.tracker.recent_comments(key):
                if comment.author.id == robot and comment.text == text:
                    return f"{key}/{comment.comment_id}"
            return None

        self.writer.write(f"comment:{event.message_id}", TRACKER_COMMENT, send, find)
        return "commented"


class RelayTrackerComment:
    """Rules:
    - a Tracker comment is posted once into its issue's thread as «Добавлен комментарий», naming its author;
    - the text, author and issue are read from Tracker, never from the trigger's body;
    - comments written by the bridge (known by id, or by the robot's authorship) are never echoed back;
    - Tracker mentions of people known in Pachca become their Pachca mentions; the others stay as written;
    - the text notifies nobody else (`@all`, `@here`, raw `<@id>` are quieted) and cannot forge the bridge's lines;
    - a text over Pachca's limit is cut with a link to the issue; one Pachca refuses anyway becomes that link.
    """

    def __init__(
        self,
        tracker: IssueTracker,
        locator: TicketLocator,
        log: WriteLog,
        identities: Identities,
        mentions: Mentions,
        poster: Poster,
        web_url: str,
    ) -> None:
        self.poster = poster
        self.web_url = web_url.rstrip("/")
        self.tracker = tracker
        self.locator = locator
        self.log = log
        self.identities = identities
        self.mentions = mentions

    def execute(self, event: TrackerCommentAdded) -> str:
        key = TicketKey(event.issue_key)
        if self.log.is_own(TRACKER_COMMENT, f"{key}/{event.comment_id}"):
            return "own_comment"
        comment = self.tracker.get_comment(key, event.comment_id)
        if comment.author.id == self.identities.robot_id():
            return "own_comment"
        ticket = self.locator.by_key(key)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        resolution = self.mentions.tracker_to_pachca(from_tracker(comment.text))
        link = f"{self.web_url}/{key}"
        text = fit(Comment(comment.author, resolution.text).for_pachca(), link)
        effect = f"relay:{key}/{comment.comment_id}"  # names the comment's own id, however the trigger named it
        try:
            self.poster.to_thread(effect, ticket.thread, text)
        except PermanentFailure as e:
            if e.status not in REFUSED_TEXT:
                raise
            log.warning("pachca refused a comment; posting a link to it instead", extra={"error": str(e)})
            refused = Comment(comment.author, REFUSED.format(link)).for_pachca()
            self.poster.to_thread(f"{effect}:refused", ticket.thread, refused)
        return "posted"
