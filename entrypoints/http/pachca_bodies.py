"""Pachca's webhook bodies as it sends them (see docs/pachca.md, «Webhooks»): the fields the bridge reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from entrypoints.http.payloads import Id, Tolerant


class ThreadOrigin(Tolerant):
    message_id: Id
    message_chat_id: Id


class PachcaMessage(Tolerant):
    id: Id
    event: str
    entity_type: str
    entity_id: Id
    chat_id: Id
    user_id: Id
    content: str = ""
    url: str = ""
    thread: ThreadOrigin | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None


class PachcaButton(Tolerant):
    message_id: Id
    user_id: Id
    chat_id: Id = 0
    data: str = ""
    trigger_id: str = ""


class PachcaViewSubmit(Tolerant):
    user_id: Id
    chat_id: Id | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    webhook_timestamp: float = 0.0
