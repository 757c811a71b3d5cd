"""Proof that the bridge opened a conversation, before a link rebuilt from Tracker's fields is trusted.

An issue's link fields can be typed or edited by anyone who can edit the issue. Trusting them alone let a Tracker
user make the bot open a thread on any message in any chat the bot is in, and post there.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from application.services.lookups import Identities
from domain.card import is_card_of
from domain.tickets import IssueLink, ThreadRef, Ticket, TicketKey
from ports.errors import NotFound, Refused
from ports.messenger import ChatMessenger, MessageInfo

log = logging.getLogger("servicedesk.provenance")

CARD_SEARCH = 10  # the card is the bot's first message in the thread; a few more allow for a race with a reply


@dataclass(frozen=True)
class Provenance:
    """Rules:
    - a link rebuilt from an issue's fields is trusted only when the message's thread already exists and holds the
      bot's own card for that issue; a thread is never opened to check;
    - and only in a support chat (any chat when none are configured) or a direct conversation with the bot;
    - the requester is the message's author as Pachca shows it, not what the fields say;
    - anything else is refused (`Refused`, logged with its reason), for `doctor` to count.
    """

    messenger: ChatMessenger
    identities: Identities
    support_chats: Collection[int]

    def may_hold_tickets(self, chat_id: int, direct: bool = False) -> bool:
        """Whether a conversation in this chat can be a ticket's: a support chat (any chat when none are
        configured), a direct conversation with the bot, or a chat the event did not name (0)."""
        return direct or not self.support_chats or not chat_id or chat_id in self.support_chats

    def ticket(self, key: TicketKey, link: IssueLink) -> Ticket:
        """The ticket the fields describe, proven; or `Refused`."""
        message = self._message(key, link.message_id)
        if message.thread is None:
            raise _refused(key, f"message {link.message_id} has no thread: the bridge never answered it")
        if not self.may_hold_tickets(message.chat_id, message.direct):
            raise _refused(key, f"message {link.message_id} is in chat {message.chat_id}, not a support chat")
        card = self._card(key, message.thread)
        requester = message.user_id or link.user_id or 0
        return Ticket(key, message.message_id, message.chat_id, requester, message.thread, card)

    def _message(self, key: TicketKey, message_id: int) -> MessageInfo:
        try:
            return self.messenger.get_message(message_id)
        except NotFound:
            raise _refused(key, f"message {message_id} does not exist or the bot cannot read it") from None

    def _card(self, key: TicketKey, thread: ThreadRef) -> int:
        """The card opens the thread; a short thread's newest messages hold it too, should the oldest not be read."""
        bot = self.identities.bot_user_id()
        for read, limit in ((self.messenger.first_messages, CARD_SEARCH), (self.messenger.recent_messages, 50)):
            card = next((m for m in read(thread.chat_id, limit) if m.user_id == bot and is_card_of(m.text, key)), None)
            if card is not None:
                return card.message_id
        raise _refused(key, f"the thread of message {thread.root_message_id} holds no card of the bridge's for it")


def _refused(key: TicketKey, reason: str) -> Refused:
    log.warning("link refused: posts go only where the bridge opened the conversation", extra={"key": str(key)})
    return Refused(f"{key}: {reason}")
