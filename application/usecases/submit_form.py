"""A submitted intake form opens a ticket."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from application.events import FormSubmitted
from application.services.opening import TicketOpener


@dataclass(frozen=True)
class SubmitForm:
    """Rules:
    - a submission needs a description, and a topic from the list when topics are configured;
    - it opens a ticket as a message does: the bot posts the request in the chat and the ticket hangs from it,
      the topic becoming part of the summary.
    """

    opener: TicketOpener
    topics: Sequence[str]

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
        return self.opener.from_form(event.key, chat_id, event.user_id, topic, description)


def _chat_from(metadata: str) -> int:
    try:
        value = json.loads(metadata).get("chat_id", 0)
    except (ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) else 0
