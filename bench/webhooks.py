"""Webhook bodies shaped as Pachca and Tracker send them, signed, and wrapped as Cloud Functions HTTP events."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from domain.model import ThreadRef
from tests.builders import message_webhook, thread_webhook
from tests.conftest import PACHCA_SECRET, TEST_ENV, TRACKER_SECRET

SECRET_ENV = {name: value for name, value in TEST_ENV.items() if name != "STATE_URL"}


def message_body(message_id: int, chat_id: int, user_id: int, timestamp: int, text: str) -> dict[str, Any]:
    return message_webhook(message_id, text, user_id, chat_id, timestamp)


def reply_body(thread: ThreadRef, message_id: int, user_id: int, timestamp: int, text: str) -> dict[str, Any]:
    return thread_webhook(thread, message_id, text, user_id, timestamp)


def button_body(message_id: int, chat_id: int, user_id: int, timestamp: int, data: str) -> dict[str, Any]:
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


def tracker_comment_body(key: str, comment_id: str) -> dict[str, Any]:
    return {"type": "issueCommentEvent", "issue": {"key": key}, "comment": {"id": comment_id}}


def signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers Pachca sends with it."""
    raw = json.dumps(payload, ensure_ascii=False).encode()
    signature = hmac.new(PACHCA_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"content-type": "application/json", "pachca-signature": signature}


def from_tracker(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()
    return raw, {"content-type": "application/json; charset=UTF-8", "x-tracker-secret": TRACKER_SECRET}


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
