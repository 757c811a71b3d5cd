"""Opening a ticket from a Pachca message."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import MessagePosted
from application.once.writes import PACHCA_MESSAGE
from application.services.intake import IntakeForm
from application.services.lookups import Identities
from application.services.opening import TicketOpener, TicketSettings
from domain.text.noise import is_pleasantry
from domain.tickets import PachcaMessage
from ports.state.records import WriteLog

INTAKE_COMMAND = "/new"  # a message that asks for the intake form


def is_intake_command(text: str) -> bool:
    words = text.split(maxsplit=1)
    return bool(words) and words[0] == INTAKE_COMMAND


def without_command(text: str) -> str:
    return text.strip()[len(INTAKE_COMMAND) :].strip()


@dataclass(frozen=True)
class OpenTicket:
    """Rules:
    - a top-level message in a support chat (any chat when none is configured; a chat of CHAT_QUEUES is one) or a
      direct message opens one ticket, in its chat's queue (see `services.opening.TicketOpener` for how);
    - `/new` offers the intake form when topics are configured; without topics the form is skipped and the
      rest of the message opens the ticket;
    - messages of the bot itself, of any other bot, and the bot's own writes open nothing;
    - a message that is only a pleasantry («Спасибо!», «ок 👍») opens nothing and gets no answer;
    - messages written in the agents' chat open nothing.
    """

    opener: TicketOpener
    identities: Identities
    log: WriteLog
    intake: IntakeForm
    settings: TicketSettings

    def execute(self, event: MessagePosted) -> str:
        if not self._is_support_chat(event):
            return "ignored"
        if event.user_id == self.identities.bot_user_id() or self.log.is_own(PACHCA_MESSAGE, str(event.message_id)):
            return "own_message"
        author = self.identities.pachca_person(event.user_id)
        if author.is_bot:
            return "bot_message"
        text = event.text
        if is_pleasantry(text, self.settings.pleasantries):
            return "pleasantry"
        if is_intake_command(text):
            if self.settings.intake_topics:
                return self.intake.offer(event.message_id, event.chat_id)
            text = without_command(text)  # no topics to choose from: the form is skipped
        message = PachcaMessage(event.message_id, event.chat_id, event.user_id, text, event.url)
        return self.opener.open(message, author, topic=None)

    def _is_support_chat(self, event: MessagePosted) -> bool:
        chats = self.settings.support_chat_ids
        if event.chat_id == self.settings.agents_chat_id and not event.direct:
            return False
        return event.direct or not chats or event.chat_id in chats | self.settings.routing.routed_chats
