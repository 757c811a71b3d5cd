"""Comments both ways: thread replies to Tracker, Tracker comments to the thread."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from application.events import ThreadReplyPosted, TrackerCommentAdded
from application.identities import Identities
from application.people import Mentions
from application.tickets import opening_effect
from application.writes import PACHCA_MESSAGE, TRACKER_COMMENT, OnceWriter, Poster
from domain.model import Comment, ThreadRef, Ticket, TicketKey
from domain.pachca_text import fit, from_tracker
from ports.errors import NotFound, PermanentFailure, TransientFailure
from ports.messenger import ChatMessenger
from ports.state import LinkStore, WriteLog
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
        links: LinkStore,
        log: WriteLog,
        identities: Identities,
        mentions: Mentions,
        writer: OnceWriter,
        queue: str,
    ) -> None:
        self.tracker = tracker
        self.links = links
        self.log = log
        self.identities = identities
        self.mentions = mentions
        self.writer = writer
        self.queue = queue

    def execute(self, event: ThreadReplyPosted) -> str:
        if event.user_id == self.identities.bot_user_id() or self.log.is_own(PACHCA_MESSAGE, str(event.message_id)):
            return "own_message"
        ticket = self._ticket(event)
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

    def _ticket(self, event: ThreadReplyPosted) -> Ticket | None:
        ticket = self.links.ticket_by_message(event.root_message_id) or self.links.ticket_by_thread(event.thread_id)
        if ticket is not None or not event.root_message_id:
            return ticket
        opening = self.log.lookup(opening_effect(event.root_message_id))
        if opening is not None and opening.external_id is None:
            raise TransientFailure("the ticket of this thread is still being opened")
        key = self.tracker.find_issue_by_message(self.queue, event.root_message_id)
        if key is None:
            return None
        thread = ThreadRef(event.thread_id, event.thread_chat_id, event.root_message_id, event.root_chat_id)
        ticket = Ticket(key, event.root_message_id, event.root_chat_id, 0, thread)
        self.links.save_ticket(ticket)
        return ticket


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
        messenger: ChatMessenger,
        tracker: IssueTracker,
        links: LinkStore,
        log: WriteLog,
        identities: Identities,
        mentions: Mentions,
        poster: Poster,
        web_url: str,
    ) -> None:
        self.poster = poster
        self.web_url = web_url.rstrip("/")
        self.messenger = messenger
        self.tracker = tracker
        self.links = links
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
        thread = self._thread(key)
        if thread is None:
            return "not_a_ticket"
        resolution = self.mentions.tracker_to_pachca(from_tracker(comment.text))
        link = f"{self.web_url}/{key}"
        text = fit(Comment(comment.author, resolution.text).for_pachca(), link)
        effect = f"relay:{key}/{comment.comment_id}"  # the id, however the trigger named it
        try:
            self.poster.to_thread(effect, thread, text)
        except PermanentFailure as e:
            if e.status not in REFUSED_TEXT:
                raise
            log.warning("pachca refused a comment; posting a link to it instead", extra={"error": str(e)})
            self.poster.to_thread(
                f"{effect}:refused", thread, Comment(comment.author, REFUSED.format(link)).for_pachca()
            )
        return "posted"

    def _thread(self, key: TicketKey) -> ThreadRef | None:
        ticket = self.links.ticket_by_key(key)
        if ticket is not None and ticket.thread is not None:
            return ticket.thread
        return thread_from_issue(self.tracker, self.messenger, self.links, key)


def thread_from_issue(
    tracker: IssueTracker, messenger: ChatMessenger, links: LinkStore, key: TicketKey
) -> ThreadRef | None:
    ticket = ticket_from_issue(tracker, messenger, links, key)
    return ticket.thread if ticket is not None else None


def ticket_from_issue(
    tracker: IssueTracker, messenger: ChatMessenger, links: LinkStore, key: TicketKey
) -> Ticket | None:
    """Rebuilds a lost or partial link from the issue's local fields; opening a thread again returns the same one.
    What the link already knew (the card, the status) is kept."""
    try:
        fields = tracker.get_issue(key).local_fields
    except NotFound:
        return None
    message_id = _number(fields, "pachcaMessageId")
    if message_id is None:
        return None
    known = links.ticket_by_key(key)
    thread = known.thread if known is not None and known.thread is not None else messenger.open_thread(message_id)
    ticket = Ticket(
        key,
        message_id,
        _number(fields, "pachcaChatId") or thread.root_chat_id,
        _number(fields, "pachcaUserId") or 0,
        thread,
        known.card_message_id if known is not None else None,
        known.status if known is not None else None,
    )
    links.save_ticket(ticket)
    return ticket


def _number(fields: Mapping[str, str], name: str) -> int | None:
    value = fields.get(name, "").strip()
    return int(value) if value.isdigit() else None
