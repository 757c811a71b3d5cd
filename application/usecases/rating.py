"""The requester's rating of a solved ticket (CSAT): asked in the thread once the ticket is done, written to the
issue as a comment and as the local field `pachcaRating`; «Не решено» reopens the ticket."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.form_events import ButtonClicked
from application.once.poster import Poster
from application.once.writes import TRACKER_COMMENT, OnceWriter
from application.services.follow_ups import FollowUps
from application.services.identities import Identities
from application.services.locator import TicketLocator
from application.services.schema import TrackerSchema
from application.tracker_events import TrackerStatusChanged
from domain.actions import Action, ButtonPress
from domain.card import rating_request
from domain.links import RATING
from domain.tickets import TicketKey
from domain.workflow import StatusType
from ports.clock import Clock
from ports.messenger import ChatMessenger
from ports.records import Cache
from ports.tracker import IssueChanges, IssueTracker

log = logging.getLogger("servicedesk.rating")

ASKED_TTL = 365 * 86400.0
TRANSITION = "tracker_transition"


def asked_key(key: TicketKey) -> str:
    """What the ticket's last status seen here was: `done` once the rating was asked for this closing."""
    return f"rating:asked:{key}"


@dataclass(frozen=True)
class AskRating:
    """Rules (a second handler of the status event, beside the announcement):
    - when a ticket reaches a status whose Tracker type is `done`, its requester is asked in the thread
      «Оцените, пожалуйста, решение» with 1–5 and «Не решено»;
    - once per closing: the same closing delivered again asks nothing; a reopen and a new closing ask again;
    - a cancelled ticket, one merged into another, or one the bridge did not open, is not asked; `CSAT=off` asks
      nobody.
    """

    tracker: IssueTracker
    locator: TicketLocator
    schema: TrackerSchema
    poster: Poster
    cache: Cache
    clock: Clock
    follow_ups: FollowUps
    enabled: bool = True

    def execute(self, event: TrackerStatusChanged) -> str:
        if not self.enabled:
            return "csat_off"
        key = TicketKey(event.issue_key)
        issue = self.tracker.get_issue(key)
        done = self.schema.workflow().status(issue.status_key).type is StatusType.DONE
        seen = self.cache.get(asked_key(key), self.clock.now())
        if not done:
            if seen:
                self.cache.put(asked_key(key), "", self.clock.now() + ASKED_TTL)  # a reopen: the next closing asks
            return "not_done"
        if seen:
            return "already_asked"
        if self.follow_ups.merged_into(key) is not None:
            return "merged"  # closed as a duplicate: the earlier ticket is the one to rate
        ticket = self.locator.by_key(key, issue)
        if ticket is None or ticket.thread is None:
            return "not_a_ticket"
        card = rating_request(key)
        self.poster.to_thread(f"rating:{key}:{issue.updated_at}", ticket.thread, card.text, card.buttons)
        self.cache.put(asked_key(key), StatusType.DONE.value, self.clock.now() + ASKED_TTL)
        return "rating_asked"


@dataclass(frozen=True)
class RateTicket:
    """Rules (the buttons under the rating request):
    - only the requester's press counts; anyone else's changes nothing;
    - a rating lands on the issue as a comment and in the local field `pachcaRating`; a later press replaces it;
    - «Не решено» reopens the ticket with a comment saying who pressed it and why;
    - the request shows what was chosen last; each press has its effect once, however often it is delivered.
    """

    tracker: IssueTracker
    changes: IssueChanges
    locator: TicketLocator
    schema: TrackerSchema
    identities: Identities
    writer: OnceWriter
    messenger: ChatMessenger

    def press(self, event: ButtonClicked, press: ButtonPress) -> str:
        assert press.key is not None
        key = press.key
        ticket = self.locator.with_requester(key)
        if ticket is None or ticket.requester_id != event.user_id:
            return "not_requester"
        author = self.identities.pachca_person(event.user_id).display_name
        if press.action is Action.UNSOLVED:
            return self._unsolved(event, key, author)
        score = press.rating
        if score is None:
            return "ignored"
        text = f"Оценка решения в Пачке: {score} из 5 ({author})"
        self._comment(f"rating:{event.trigger_id}", key, text)
        field_id = self.schema.field_ids(key.queue).get(RATING.key)
        if field_id is None:
            log.warning("no pachcaRating field in the queue: run setup", extra={"issue": str(key)})
        else:
            self.changes.set_local_fields(key, {field_id: str(score)})
        self._show(event, key, f"Ваша оценка: {score} из 5. Спасибо!")
        return "rated"

    def _unsolved(self, event: ButtonClicked, key: TicketKey, author: str) -> str:
        workflow = self.schema.workflow()
        effect = f"unsolved:{event.trigger_id}"
        transition = workflow.transition_for(Action.REOPEN, self.tracker.transitions(key))
        if transition is None and not self.writer.begun(effect):
            return "no_transition"  # reopened already
        if transition is not None:
            why = f"{author} отметил(а) в Пачке, что проблема не решена (кнопка «Не решено» под запросом оценки)"
            move = transition.id

            def send() -> str:
                self.tracker.execute_transition(key, move, comment=why)
                return move

            self.writer.write(effect, TRANSITION, send, lambda: None)
        self._show(event, key, "Заявка переоткрыта: отмечено, что проблема не решена.")
        return "reopened"

    def _comment(self, effect: str, key: TicketKey, text: str) -> None:
        def send() -> str:
            return f"{key}/{self.tracker.add_comment(key, text)}"

        def find() -> str | None:
            robot = self.identities.robot_id()
            found = (c for c in self.tracker.recent_comments(key) if c.author.id == robot and c.text == text)
            return next((f"{key}/{c.comment_id}" for c in found), None)

        self.writer.write(effect, TRACKER_COMMENT, send, find)

    def _show(self, event: ButtonClicked, key: TicketKey, chosen: str) -> None:
        card = rating_request(key, chosen)
        self.messenger.update_message(event.message_id, card.text, card.buttons, event.chat_id)
