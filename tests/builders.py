"""Realistic events and webhook bodies, shaped as Pachca and Tracker send them."""

from __future__ import annotations

from typing import Any

from application.events import MessagePosted, ThreadReplyPosted, TrackerCommentAdded
from domain.model import ThreadRef
from tests.conftest import REQUESTER

SUPPORT_CHAT = 918264
NOW = 1_800_000_000


def message(
    message_id: int = 56431,
    text: str = "Не работает вход в 1С\nОшибка 403",
    user_id: int = REQUESTER,
    chat_id: int = SUPPORT_CHAT,
) -> MessagePosted:
    url = f"https://app.pachca.com/chats/{chat_id}?message={message_id}"
    return MessagePosted(message_id, chat_id, user_id, text, url)


def reply(
    thread: ThreadRef, message_id: int = 194300, text: str = "Посмотрел, воспроизводится", user_id: int = REQUESTER
) -> ThreadReplyPosted:
    url = f"https://app.pachca.com/chats/{thread.chat_id}?message={message_id}"
    return ThreadReplyPosted(
        message_id, thread.thread_id, thread.chat_id, thread.root_message_id, thread.root_chat_id, user_id, text, url
    )


def tracker_comment(key: str, comment_id: str) -> TrackerCommentAdded:
    return TrackerCommentAdded(key, comment_id)


def message_webhook(
    message_id: int = 56431,
    content: str = "Не работает вход в 1С",
    user_id: int = REQUESTER,
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
    user_id: int = REQUESTER,
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
