"""Follow-ups merged: «Объединить с <KEY>» on a quick second ticket's card folds it into the earlier one."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from application.events import ButtonClicked, MergeRequested
from application.helpdesk.agents_chat import AgentsChat
from application.helpdesk.follow_ups import FollowUps
from application.once.exclusive import DONE_BEFORE, OnceOnly
from application.once.writes import TRACKER_COMMENT, OnceWriter, Poster
from application.services.cards import Cards
from application.services.files import FileCarrier
from application.services.locator import TicketLocator
from application.services.lookups import Identities, TrackerSchema
from domain.card import Action, ButtonPress
from domain.tickets import TicketKey
from ports.errors import ResolutionRefused
from ports.files import TrackerFiles
from ports.tracker import IssueChanges, IssueTracker

DUPLICATE = "duplicate"  # Tracker's resolution for a duplicate
DUPLICATES = "duplicates"  # Tracker's link: this issue duplicates the other
REFUSED = "Объединить заявку может её автор или служба поддержки."


@dataclass(frozen=True)
class MergeFollowUp:
    """Rules:
    - only a ticket that offers «Объединить с <KEY>» merges, and only into that ticket;
    - the requester of the follow-up or an agent (anyone, when no agents are configured) may press it;
    - the follow-up's message (its text, author and files) becomes a comment on the earlier issue; the follow-up
      is closed as a duplicate and linked to it; from then on its thread's replies go to the earlier issue; its
      announcement in the agents' chat says it was merged;
    - pressed twice, or on two instances at once, it happens once (`OnceOnly`); each step is also written once, so a
      merge finished by the drain after a failure repeats nothing.
    """

    tracker: IssueTracker
    changes: IssueChanges
    tracker_files: TrackerFiles
    locator: TicketLocator
    schema: TrackerSchema
    identities: Identities
    follow_ups: FollowUps
    cards: Cards
    poster: Poster
    writer: OnceWriter
    files: FileCarrier
    once: OnceOnly
    agents: Collection[int]
    agents_chat: AgentsChat

    def press(self, event: ButtonClicked, press: ButtonPress) -> str:
        key, into = press.key, press.other_key
        if key is None or into is None or self.follow_ups.offered(key) != into:
            return "ignored"  # a forged or stale button: only the offer the card made merges
        ticket = self.locator.with_requester(key)
        is_requester = ticket is not None and ticket.requester_id == event.user_id
        if not (is_requester or not self.agents or event.user_id in self.agents):
            self.poster.to_user(f"merge-refused:{event.trigger_id}", event.user_id, REFUSED)
            return "forbidden"
        outcome = self.once.run(MergeRequested(str(key), str(into), event.user_id), self.execute)
        return "already_merged" if outcome == DONE_BEFORE else outcome

    def execute(self, event: MergeRequested) -> str:
        """The merge itself (also what the drain runs for a merge that failed part way)."""
        key, into = TicketKey(event.key_from), TicketKey(event.key_into)
        ticket = self.locator.with_requester(key)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        effect = f"merge:{key}"
        author = self.identities.pachca_person(ticket.requester_id).display_name
        message = self.tracker_files.description(key)  # the text, its author, its link, and lines for files left out
        carried = self.files.to_tracker(f"{effect}:files", ticket.message_id, None)  # uploaded afresh: one use each
        text = f"**{author}** (Пачка), дополнение из заявки {key}:\n\n{message}"
        self._comment(f"{effect}:comment", into, text, carried.uploaded)
        self._close_as_duplicate(f"{effect}:close", key, into)
        self.changes.link(key, DUPLICATES, into)
        self.follow_ups.merged(key, into)
        if ticket.card_message_id is not None:
            status = self.tracker.get_issue(key)
            shown = self.schema.workflow().status(status.status_key, status.status_display)
            self.cards.show(ticket.card_message_id, ticket.chat_id, key, shown)
        self.agents_chat.merged(key, into, author)
        return "merged"

    def _comment(self, effect: str, key: TicketKey, text: str, attachments: list[str]) -> None:
        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, text, attachment_ids=attachments)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            found = (c for c in self.tracker.recent_comments(key) if c.author.id == robot and c.text == text)
            return next((f"{key}/{c.comment_id}" for c in found), None)

        self.writer.write(effect, TRACKER_COMMENT, send, find)

    def _close_as_duplicate(self, effect: str, key: TicketKey, into: TicketKey) -> None:
        transition = self.schema.workflow().transition_for(Action.CLOSE, self.tracker.transitions(key))
        if transition is None:
            return  # closed already (by this merge's earlier attempt, or by hand)
        move, why = transition.id, f"Объединена с {into} в Пачке: дубликат"

        def send() -> str:
            try:
                self.tracker.execute_transition(key, move, comment=why, resolution=DUPLICATE)
            except ResolutionRefused:
                self.tracker.execute_transition(key, move, comment=why)
            return move

        self.writer.write(effect, "tracker_transition", send, lambda: None)
