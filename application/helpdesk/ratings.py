"""The requester's press under the rating request (CSAT): a rating lands on the issue as a comment and in the local
field `pachcaRating`; «Не решено» reopens the ticket. (Asking is the status event's handler, `usecases.rating`.)"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.events import ButtonClicked
from application.once.writes import TRACKER_COMMENT, OnceWriter
from application.services.locator import TicketLocator
from application.services.lookups import Identities, TrackerSchema
from domain.card import Action, ButtonPress, rating_request
from domain.tickets import RATING, TicketKey
from ports.messenger import ChatMessenger
from ports.tracker import IssueChanges, IssueTracker

log = logging.getLogger("servicedesk.rating")

TRANSITION = "tracker_transition"


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
