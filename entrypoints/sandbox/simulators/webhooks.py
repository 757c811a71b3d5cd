"""The webhooks the simulated Pachca and Tracker send: bodies shaped as the real ones, signed as the real ones.

Pachca signs the raw body with the bot's secret (`Pachca-Signature`: lower-case hex HMAC-SHA256) and stamps it
with `webhook_timestamp`; Tracker's triggers send the secret `setup` gave them in `X-Tracker-Secret`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from domain.tickets import ThreadRef
from entrypoints.sandbox.simulators.people import OLEG

SUPPORT_CHAT = 918264
IT_CHAT = 918310  # a second support chat, routed to its own queue (CHAT_QUEUES)
IT_QUEUE = "IT"
AGENTS_CHAT = 918300  # the support team's own chat (AGENTS_CHAT_ID), where Иван takes new tickets
NOW = 1_800_000_000


def message_webhook(
    message_id: int = 56431,
    content: str = "Не работает вход в 1С",
    user_id: int = OLEG.pachca_id,
    chat_id: int = SUPPORT_CHAT,
    timestamp: int = NOW,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "event": "new",
        "type": "message",
        "webhook_timestamp": timestamp,
        "chat_id": chat_id,
        "content": content,
        "user_id": user_id,
        "id": message_id,
        "created_at": "2026-11-27T08:18:54.000Z",
        "parent_message_id": None,
        "entity_type": "discussion",
        "entity_id": chat_id,
        "thread": None,
        "url": f"https://app.pachca.com/chats/{chat_id}?message={message_id}",
        **extra,
    }


def thread_webhook(
    thread: ThreadRef,
    message_id: int = 194300,
    content: str = "Посмотрел, воспроизводится",
    user_id: int = OLEG.pachca_id,
    timestamp: int = NOW,
) -> dict[str, Any]:
    return {
        "type": "message",
        "event": "new",
        "id": message_id,
        "entity_type": "thread",
        "entity_id": thread.thread_id,
        "chat_id": thread.chat_id,
        "content": content,
        "user_id": user_id,
        "created_at": "2026-11-27T08:30:00.000Z",
        "changed_at": "2026-11-27T08:30:00.000Z",
        "url": f"https://app.pachca.com/chats/{thread.chat_id}?message={message_id}",
        "parent_message_id": None,
        "thread": {"message_id": thread.root_message_id, "message_chat_id": thread.root_chat_id},
        "webhook_timestamp": timestamp,
    }


def button_webhook(message_id: int, chat_id: int, user_id: int, timestamp: int, data: str) -> dict[str, Any]:
    return {
        "type": "button",
        "event": "click",
        "message_id": message_id,
        "trigger_id": str(uuid.uuid4()),
        "data": data,
        "user_id": user_id,
        "chat_id": chat_id,
        "webhook_timestamp": timestamp,
    }


def view_webhook(form: dict[str, str], user_id: int, timestamp: int, data: dict[str, str]) -> dict[str, Any]:
    """A submitted form: `form` holds the `callback_id` and `private_metadata` it was opened with."""
    return {"type": "view", "event": "submit", "user_id": user_id, "data": data, "webhook_timestamp": timestamp, **form}


def tracker_comment_trigger(key: str, comment_id: str) -> dict[str, Any]:
    return {"type": "issueCommentEvent", "issue": {"key": key}, "comment": {"id": comment_id}}


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def from_pachca(payload: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers Pachca sends with it."""
    raw = json.dumps(payload, ensure_ascii=False).encode()
    return raw, {"content-type": "application/json", "pachca-signature": sign(raw, secret)}


def from_tracker(payload: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()
    return raw, {"content-type": "application/json; charset=UTF-8", "x-tracker-secret": secret}
