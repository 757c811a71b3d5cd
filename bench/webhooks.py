"""Webhook bodies shaped as Pachca and Tracker send them, signed, and wrapped as Cloud Functions HTTP events."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from domain.tickets import ThreadRef
from entrypoints.sandbox.in_memory_bridge import PACHCA_SECRET, TEST_ENV, TRACKER_SECRET
from entrypoints.sandbox.simulators.webhooks import (
    button_webhook,
    from_pachca,
    message_webhook,
    thread_webhook,
    tracker_comment_trigger,
)
from entrypoints.sandbox.simulators.webhooks import from_tracker as tracker_trigger

SECRET_ENV = {name: value for name, value in TEST_ENV.items() if name != "STATE_URL"}


def message_body(message_id: int, chat_id: int, user_id: int, timestamp: int, text: str) -> dict[str, Any]:
    return message_webhook(message_id, text, user_id, chat_id, timestamp)


def reply_body(thread: ThreadRef, message_id: int, user_id: int, timestamp: int, text: str) -> dict[str, Any]:
    return thread_webhook(thread, message_id, text, user_id, timestamp)


button_body = button_webhook
tracker_comment_body = tracker_comment_trigger
signed = partial(from_pachca, secret=PACHCA_SECRET)
from_tracker = partial(tracker_trigger, secret=TRACKER_SECRET)


def function_event(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """An HTTP invocation of Yandex Cloud Functions, as documented (header names canonicalised)."""
    canonical = {"-".join(part.capitalize() for part in name.split("-")): value for name, value in headers.items()}
    canonical.update({"Host": "functions.yandexcloud.net", "X-Request-Id": str(uuid.uuid4())})
    return {
        "httpMethod": "POST",
        "headers": canonical,
        "multiValueHeaders": {name: [value] for name, value in canonical.items()},
        "queryStringParameters": {},
        "multiValueQueryStringParameters": {},
        "requestContext": {
            "httpMethod": "POST",
            "identity": {"sourceIp": "37.200.70.177", "userAgent": "Faraday v2.12.2"},
            "requestId": str(uuid.uuid4()),
        },
        "body": body.decode(),
        "isBase64Encoded": False,
        "url": "",
        "path": "",
    }
