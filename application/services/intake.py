"""The intake form: `/new` offers it with a button, the button opens it, its fields follow the configured topics."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from application.once.writes import Poster
from domain.card import Action, Button, ButtonPress
from ports.messenger import ChatMessenger, FormField

INTAKE_CALLBACK = "intake_form"


def intake_fields(topics: Sequence[str]) -> list[FormField]:
    fields = [FormField("topic", "Тема", tuple((t, t) for t in topics))] if topics else []
    return [*fields, FormField("description", "Описание")]


@dataclass(frozen=True)
class IntakeForm:
    messenger: ChatMessenger
    poster: Poster
    topics: Sequence[str]

    def offer(self, message_id: int, chat_id: int) -> str:
        buttons = ((Button("Новая заявка", data=ButtonPress(Action.NEW).encode()),),)
        self.poster.to_chat(f"offer:{message_id}", chat_id, "Нажмите кнопку, чтобы заполнить заявку.", buttons)
        return "form_offered"

    def open(self, trigger_id: str, chat_id: int) -> str:
        metadata = json.dumps({"chat_id": chat_id})
        self.messenger.open_form(trigger_id, INTAKE_CALLBACK, "Новая заявка", intake_fields(self.topics), metadata)
        return "form_opened"
