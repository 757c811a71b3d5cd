"""The card's buttons: «Взять в работу», «Закрыть», «Переоткрыть» move the issue through its workflow."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from application.events import ButtonClicked
from application.helpdesk.agents_chat import AgentsChat
from application.helpdesk.merging import MergeFollowUp
from application.helpdesk.ratings import RateTicket
from application.once.writes import OnceWriter, Poster
from application.services.cards import Cards
from application.services.intake import IntakeForm
from application.services.locator import TicketLocator
from application.services.lookups import TrackerSchema
from application.services.my_tickets import MyTickets
from domain.card import Action, ButtonPress, TicketStatus, Transition
from domain.tickets import Ticket, TicketKey
from ports.errors import ResolutionRefused
from ports.tracker import IssueTracker

CLOSING_RESOLUTION = "fixed"
REFUSALS = {
    Action.TAKE: "Брать заявки в работу может только служба поддержки.",
    Action.CLOSE: "Закрыть заявку может её автор или служба поддержки.",
    Action.REOPEN: "Переоткрыть заявку может её автор или служба поддержки.",
}


@dataclass(frozen=True)
class PressButton:
    """Rules:
    - «Взять в работу», «Закрыть», «Переоткрыть» run the matching transition the workflow offers, then the card
      shows the new status; a click the workflow no longer allows (a double click) changes nothing;
    - when agents are configured only they may take and close tickets; the requester may always close or reopen
      their own;
    - «Мои заявки» lists the clicking person's open tickets; «Новая заявка» opens the intake form;
    - a rating or «Не решено» under the rating request goes to the rating (`RateTicket`), «Взять» in the agents'
      chat to `AgentsChat`, «Объединить с …» to `MergeFollowUp`.
    """

    tracker: IssueTracker
    locator: TicketLocator
    schema: TrackerSchema
    cards: Cards
    writer: OnceWriter
    poster: Poster
    my_tickets: MyTickets
    intake: IntakeForm
    agents: Collection[int]
    rating: RateTicket
    agents_chat: AgentsChat
    merge: MergeFollowUp

    def execute(self, event: ButtonClicked) -> str:
        press = ButtonPress.decode(event.data)
        if press is None:
            return "ignored"
        if press.action is Action.NEW:
            return self.intake.open(event.trigger_id, event.chat_id)
        if press.action is Action.MINE:
            return self.my_tickets.post(event)
        if press.key is None:
            return "ignored"
        if press.action is Action.MERGE:
            return self.merge.press(event, press)
        if press.action is Action.CLAIM:
            return self.agents_chat.claim(event, press.key)
        if press.action in (Action.RATE, Action.UNSOLVED):
            return self.rating.press(event, press)
        if press.action not in REFUSALS:
            return "ignored"
        return self._transition(event, press.action, press.key)

    def _transition(self, event: ButtonClicked, action: Action, key: TicketKey) -> str:
        ticket = self.locator.with_requester(key) if self.agents else self.locator.known(key)
        if not self._allowed(event.user_id, action, ticket):
            self.poster.to_chat(f"forbidden:{event.trigger_id}", event.chat_id, REFUSALS[action])
            return "forbidden"
        effect = f"transition:{event.trigger_id}"
        workflow = self.schema.workflow()
        transition = workflow.transition_for(action, self.tracker.transitions(key))
        if transition is None:
            if not self.writer.begun(effect):
                return "no_transition"  # a double click, or a move the workflow does not offer
            issue = self.tracker.get_issue(key)  # this click's own transition went through; its answer was lost
            self._show(event, ticket, key, workflow.status(issue.status_key, issue.status_display))
            return "status_changed"
        to = workflow.status(transition.to_key, transition.to_display)
        self.writer.write(effect, "tracker_transition", lambda: self._execute(key, transition, to), lambda: None)
        self._show(event, ticket, key, to)
        return "status_changed"

    def _show(self, event: ButtonClicked, ticket: Ticket | None, key: TicketKey, status: TicketStatus) -> None:
        self.cards.show(event.message_id, ticket.chat_id if ticket is not None else event.chat_id, key, status)
        if ticket is not None:
            self.locator.remember(ticket.with_status(status.key))

    def _execute(self, key: TicketKey, transition: Transition, to: TicketStatus) -> str:
        """Closing usually needs a resolution; a workflow whose screen has none refuses it, so it is tried without."""
        try:
            self.tracker.execute_transition(key, transition.id, resolution=CLOSING_RESOLUTION if to.closed else None)
        except ResolutionRefused:
            self.tracker.execute_transition(key, transition.id)
        return transition.id

    def _allowed(self, user_id: int, action: Action, ticket: Ticket | None) -> bool:
        if not self.agents or user_id in self.agents:
            return True
        is_requester = ticket is not None and ticket.requester_id == user_id
        return is_requester and action in (Action.CLOSE, Action.REOPEN)
