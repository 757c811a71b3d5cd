"""Realistic events and webhook bodies, shaped as Pachca and Tracker send them."""

from __future__ import annotations

from application.events import MessagePosted, ThreadReplyPosted
from application.tracker_events import TrackerCommentAdded
from domain.tickets import ThreadRef
from entrypoints.sandbox.simulators.webhooks import NOW, SUPPORT_CHAT, message_webhook, thread_webhook
from tests.conftest import REQUESTER

__all__ = ["NOW", "SUPPORT_CHAT", "message", "message_webhook", "reply", "thread_webhook", "tracker_comment"]


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
