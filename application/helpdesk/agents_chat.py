"""The support team's side (AGENTS_CHAT_ID): each new ticket announced in the agents' chat, «Взять» assigning it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from application.events import ButtonClicked
from application.once.writes import OnceWriter, Poster
from application.services.locator import TicketLocator
from application.services.lookups import Identities, TrackerSchema
from application.services.mentions import Mentions
from domain.card import Action, agents_announcement
from domain.tickets import Ticket, TicketKey
from ports.messenger import ChatMessenger
from ports.tracker import IssueChanges, IssueTracker

ONLY_AGENTS = "Брать заявки в работу может только служба поддержки."
NO_EMAIL = (
    "Не удалось взять заявку {key}: Пачка не показывает боту вашу почту, а по ней ищется ваша учётная запись "
    "в Трекере. Попросите администратора Пачки разрешить ботам видеть почту."
)
NO_ACCOUNT = (
    "Не удалось взять заявку {key}: в Трекере нет пользователя с вашей почтой ({email}). "
    "Попросите администратора Трекера добавить вас, или назначьте заявку в Трекере."
)


def announcement_effect(key: TicketKey) -> str:
    return f"agents:{key}"


@dataclass(frozen=True)
class AgentsChat:
    """Rules:
    - with an agents' chat configured, each new ticket is announced there once: its summary, its requester,
      «Взять» and «Открыть в Трекере»; without one, nothing is posted;
    - «Взять» assigns the issue to the Tracker user of whoever pressed it (found by e-mail: the directory first,
      then Tracker's own user record) and starts work when the workflow offers it; the announcement then shows
      who took it;
    - a press by someone with no Tracker account (or whose e-mail Pachca hides) changes nothing and is answered
      privately with why; with agents configured, only they may take a ticket.
    """

    chat_id: int | None
    web_url: str
    agents: Collection[int]
    tracker: IssueTracker
    changes: IssueChanges
    locator: TicketLocator
    schema: TrackerSchema
    identities: Identities
    mentions: Mentions
    poster: Poster
    writer: OnceWriter
    messenger: ChatMessenger

    def announce(self, ticket: Ticket, summary: str, requester: str) -> None:
        if self.chat_id is None:
            return
        card = agents_announcement(ticket.key, self.web_url, summary, requester)
        self.poster.to_chat(announcement_effect(ticket.key), self.chat_id, card.text, card.buttons)

    def merged(self, key: TicketKey, into: TicketKey, requester: str) -> None:
        """The announcement of a follow-up merged into an earlier ticket says so, and offers «Взять» no more."""
        posted = self.writer.log.lookup(announcement_effect(key))
        if self.chat_id is None or posted is None or posted.external_id is None:
            return
        summary = self.tracker.get_issue(key).summary
        card = agents_announcement(key, self.web_url, summary, requester, merged_into=into)
        self.messenger.update_message(int(posted.external_id), card.text, card.buttons, self.chat_id)

    def claim(self, event: ButtonClicked, key: TicketKey) -> str:
        if self.agents and event.user_id not in self.agents:
            self.poster.to_user(f"claim-refused:{event.trigger_id}", event.user_id, ONLY_AGENTS)
            return "forbidden"
        person = self.identities.pachca_person(event.user_id)
        login = self.mentions.tracker_login_of(person)
        if login is None:
            why = NO_EMAIL.format(key=key) if not person.email else NO_ACCOUNT.format(key=key, email=person.email)
            self.poster.to_user(f"claim-refused:{event.trigger_id}", event.user_id, why)
            return "no_tracker_account"
        self.changes.assign(key, login)
        self._start_work(event, key)
        issue = self.tracker.get_issue(key)
        ticket = self.locator.with_requester(key)
        requester = self.identities.pachca_person(ticket.requester_id).display_name if ticket else ""
        card = agents_announcement(key, self.web_url, issue.summary, requester, taken_by=person.display_name)
        self.messenger.update_message(event.message_id, card.text, card.buttons, event.chat_id)
        return "claimed"

    def _start_work(self, event: ButtonClicked, key: TicketKey) -> None:
        effect = f"claim:{event.trigger_id}"
        transition = self.schema.workflow().transition_for(Action.TAKE, self.tracker.transitions(key))
        if transition is None:
            return  # in progress already, or a workflow that offers no such move from here
        move = transition.id

        def send() -> str:
            self.tracker.execute_transition(key, move)
            return move

        self.writer.write(effect, "tracker_transition", send, lambda: None)
