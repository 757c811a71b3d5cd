"""Pachca's interactive events: a button of the bot's clicked, a form of the bot's submitted."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import ClassVar

from application.event import Event

FORM_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class ButtonClicked(Event):
    kind: ClassVar[str] = "pachca.button"
    message_id: int
    chat_id: int
    user_id: int
    data: str
    trigger_id: str

    @property
    def key(self) -> str:
        return f"pachca:button:{self.trigger_id}"


@dataclass(frozen=True)
class FormSubmitted(Event):
    kind: ClassVar[str] = "pachca.form"
    user_id: int
    chat_id: int
    callback_id: str
    metadata: str
    values: tuple[tuple[str, str], ...]
    sent_at: float = 0.0

    @property
    def key(self) -> str:
        """The same answers from the same person within the hour are one submission (a re-submit after a timeout);
        the same answers sent again later are a new request."""
        content = json.dumps([self.chat_id, self.callback_id, self.metadata, self.values], ensure_ascii=False)
        digest = hashlib.sha256(content.encode()).hexdigest()[:16]
        return f"pachca:form:{self.user_id}:{int(self.sent_at) // FORM_WINDOW_SECONDS}:{digest}"

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")


@dataclass(frozen=True)
class MergeRequested(Event):
    """«Объединить с …» pressed on a follow-up's card: one merge per follow-up, whoever pressed and how often."""

    kind: ClassVar[str] = "pachca.merge"
    key_from: str  # the follow-up, closed as a duplicate
    key_into: str  # the earlier ticket it joins
    user_id: int

    @property
    def key(self) -> str:
        return f"merge:{self.key_from}"
