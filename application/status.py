"""Statuses: buttons that move an issue through its workflow, announcements of status changes, the intake form."""

from __future__ import annotations

import json
from collections.abc import Sequence

from application.comments import thread_from_issue, ticket_from_issue
from application.events import ButtonClicked, FormSubmitted, TrackerStatusChanged
from application.tickets import OpenTicket, TicketSettings
from application.writes import OnceWriter, Poster
from domain.model import Action, ButtonPress, Card, Ticket, TicketKey
from ports.clock import Clock
from ports.errors import PermanentFailure
from ports.messenger import ChatMessenger, FormField
from ports.state import Cache, LinkStore
from ports.tracker import IssueInfo, IssueTracker, Transition

CLOSED_STATUSES = frozenset({"closed", "resolved", "done", "cancelled", "rejected"})
TARGETS = {
    Action.TAKE: (("start_progress", "startProgress", "inProgress"), frozenset({"inProgress", "inWork"})),
    Action.CLOSE: (("close", "closed", "resolve", "resolved"), CLOSED_STATUSES),
    Action.REOPEN: (("reopen", "open"), frozenset({"open", "new", "needInfo", "inProgress"})),
}
INTAKE_CALLBACK = "intake_form"
CLOSING_RESOLUTION = "fixed"
ANNOUNCED_TTL = 90 * 86400.0
REFUSALS = {
    Action.TAKE: "Брать заявки в работу может только служба поддержки.",
    Action.CLOSE: "Закрыть заявку может её автор или служба поддержки.",
    Action.REOPEN: "Переоткрыть заявку может её автор или служба поддержки.",
}


def is_closed(status_key: str) -> bool:
    return status_key in CLOSED_STATUSES


def is_taken(status_key: str) -> bool:
    return status_key in TARGETS[Action.TAKE][1]


def card_for(key: TicketKey, web_url: str, status_key: str, status_display: str) -> Card:
    return Card.for_ticket(key, web_url, status_display, is_closed(status_key), is_taken(status_key))


def pick_transition(action: Action, transitions: Sequence[Transition]) -> Transition | None:
    ids, statuses = TARGETS[action]
    by_id = next((t for t in transitions if t.id in ids), None)
    return by_id or next((t for t in transitions if t.to_key in statuses), None)


class AnnounceStatus:
    """Rules:
    - a status change is announced in the ticket's thread once, whoever made it: a status equal to the last one
      announced is not announced again, however often or late the trigger is delivered;
    - the card shows the new status, with «Переоткрыть» once the issue is closed.
    """

    def __init__(
        self,
        messenger: ChatMessenger,
        tracker: IssueTracker,
        links: LinkStore,
        poster: Poster,
        settings: TicketSettings,
        cache: Cache,
        clock: Clock,
    ) -> None:
        self.messenger = messenger
        self.tracker = tracker
        self.links = links
        self.poster = poster
        self.settings = settings
        self.cache = cache
        self.clock = clock

    def execute(self, event: TrackerStatusChanged) -> str:
        key = TicketKey(event.issue_key)
        issue = self.tracker.get_issue(key)
        ticket = self.links.ticket_by_key(key)
        if ticket is None or ticket.thread is None:
            if thread_from_issue(self.tracker, self.messenger, self.links, key) is None:
                return "not_a_ticket"
            ticket = self.links.ticket_by_key(key)
        assert ticket is not None and ticket.thread is not None
        thread = ticket.thread
        text = f"Статус заявки изменён: {issue.status_display}"

        announced = f"status:announced:{key}"
        outcome = "duplicate"
        if self.cache.get(announced, self.clock.now()) != issue.status_key:
            self.poster.to_thread(f"status:{key}:{issue.status_key}:{issue.updated_at}", thread, text)
            self.cache.put(announced, issue.status_key, self.clock.now() + ANNOUNCED_TTL)
            outcome = "announced"
        show_on_card(self.messenger, self.links, self.settings, ticket, issue)
        return outcome


def show_on_card(
    messenger: ChatMessenger, links: LinkStore, settings: TicketSettings, ticket: Ticket, issue: IssueInfo
) -> None:
    if ticket.status == issue.status_key or ticket.card_message_id is None:
        return
    card = card_for(ticket.key, settings.web_url, issue.status_key, issue.status_display)
    messenger.update_message(ticket.card_message_id, card.text, card.buttons, ticket.chat_id)
    links.save_ticket(ticket.with_status(issue.status_key))


class PressButton:
    """Rules:
    - «Взять в работу», «Закрыть», «Переоткрыть» run the matching transition the workflow offers, then the card
      shows the new status; a click the workflow no longer allows (a double click) changes nothing;
    - when agents are configured only they may take and close tickets; the requester may always close or reopen
      their own;
    - «Мои заявки» lists the clicking person's open tickets; «Новая заявка» opens the intake form.
    """

    def __init__(
        self,
        messenger: ChatMessenger,
        tracker: IssueTracker,
        links: LinkStore,
        writer: OnceWriter,
        poster: Poster,
        settings: TicketSettings,
        agents: Sequence[int],
        topics: Sequence[str],
    ) -> None:
        self.messenger = messenger
        self.tracker = tracker
        self.links = links
        self.writer = writer
        self.poster = poster
        self.settings = settings
        self.agents = frozenset(agents)
        self.topics = tuple(topics)

    def execute(self, event: ButtonClicked) -> str:
        press = ButtonPress.decode(event.data)
        if press is None:
            return "ignored"
        if press.action is Action.NEW:
            self.messenger.open_form(
                event.trigger_id,
                INTAKE_CALLBACK,
                "Новая заявка",
                intake_fields(self.topics),
                json.dumps({"chat_id": event.chat_id}),
            )
            return "form_opened"
        if press.action is Action.MINE:
            return self._list_mine(event)
        assert press.key is not None
        return self._transition(event, press.action, press.key)

    def _transition(self, event: ButtonClicked, action: Action, key: TicketKey) -> str:
        ticket = self.links.ticket_by_key(key)
        if self.agents and (ticket is None or not ticket.requester_id):
            ticket = ticket_from_issue(self.tracker, self.messenger, self.links, key)  # the issue knows its requester
        if not self._allowed(event.user_id, action, ticket):
            self.poster.to_chat(f"forbidden:{event.trigger_id}", event.chat_id, REFUSALS[action])
            return "forbidden"
        effect = f"transition:{event.trigger_id}"
        transition = pick_transition(action, self.tracker.transitions(key))
        if transition is None:
            if self.writer.log.lookup(effect) is None:
                return "no_transition"  # a double click, or a move the workflow does not offer
            issue = self.tracker.get_issue(key)  # this click's own transition went through; its answer was lost
            self._show(event, ticket, key, issue.status_key, issue.status_display)
            return "status_changed"

        def send() -> str:
            self._execute(key, transition)
            return transition.id

        self.writer.write(effect, "tracker_transition", send, lambda: None)
        self._show(event, ticket, key, transition.to_key, transition.to_display)
        return "status_changed"

    def _show(self, event: ButtonClicked, ticket: Ticket | None, key: TicketKey, status: str, display: str) -> None:
        card = card_for(key, self.settings.web_url, status, display)
        chat_id = ticket.chat_id if ticket is not None else event.chat_id
        self.messenger.update_message(event.message_id, card.text, card.buttons, chat_id)
        if ticket is not None:
            self.links.save_ticket(ticket.with_status(status))

    def _execute(self, key: TicketKey, transition: Transition) -> None:
        """Closing usually needs a resolution; a workflow whose screen has none refuses it, so it is tried without."""
        resolution = CLOSING_RESOLUTION if is_closed(transition.to_key) else None
        try:
            self.tracker.execute_transition(key, transition.id, resolution=resolution)
        except PermanentFailure as e:
            if resolution is None or e.status not in (400, 422):
                raise
            self.tracker.execute_transition(key, transition.id)

    def _allowed(self, user_id: int, action: Action, ticket: Ticket | None) -> bool:
        if not self.agents or user_id in self.agents:
            return True
        is_requester = ticket is not None and ticket.requester_id == user_id
        return is_requester and action in (Action.CLOSE, Action.REOPEN)

    def _list_mine(self, event: ButtonClicked) -> str:
        found = self.tracker.open_issues_of(self.settings.queue, event.user_id)
        issues = [i for i in found if not is_closed(i.status_key)]  # closed without a resolution is still closed
        if issues:
            lines = [f"[{i.key}]({self.settings.web_url}/{i.key}) — {i.summary} ({i.status_display})" for i in issues]
            text = "Ваши открытые заявки:\n" + "\n".join(lines)
        else:
            text = "У вас нет открытых заявок."
        self.poster.to_chat(f"mine:{event.trigger_id}", event.chat_id, text)
        return "listed"


def intake_fields(topics: Sequence[str]) -> list[FormField]:
    fields = [FormField("topic", "Тема", tuple((t, t) for t in topics))] if topics else []
    return [*fields, FormField("description", "Описание")]


class SubmitForm:
    """Rules:
    - a submission needs a description, and a topic from the list when topics are configured;
    - it opens a ticket as a message does: the bot posts the request in the chat and the ticket hangs from it,
      the topic becoming part of the summary.
    """

    def __init__(self, open_ticket: OpenTicket, topics: Sequence[str]) -> None:
        self.open_ticket = open_ticket
        self.topics = tuple(topics)

    def validate(self, event: FormSubmitted) -> dict[str, str]:
        errors = {}
        if not event.value("description").strip():
            errors["description"] = "Опишите, что случилось"
        if self.topics and event.value("topic") not in self.topics:
            errors["topic"] = "Выберите тему из списка"
        return errors

    def execute(self, event: FormSubmitted) -> str:
        if self.validate(event):
            return "invalid"
        topic = event.value("topic") or None
        description = event.value("description").strip()
        chat_id = event.chat_id or _chat_from(event.metadata)
        if not chat_id:
            return "invalid"
        return self.open_ticket.from_form(event.key, chat_id, event.user_id, topic, description)


def _chat_from(metadata: str) -> int:
    try:
        value = json.loads(metadata).get("chat_id", 0)
    except (ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) else 0
