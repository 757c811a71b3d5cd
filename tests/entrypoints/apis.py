"""Webhook bodies for the entrypoint tests; the APIs themselves are the simulated world (entrypoints.sandbox)."""

from __future__ import annotations

import time
from typing import Any

from entrypoints.sandbox.simulators.people import BOT_ID
from entrypoints.sandbox.simulators.webhooks import message_webhook
from tests.conftest import PACHCA_SECRET, TRACKER_SECRET, dumps, sign

__all__ = ["BOT_ID", "THREAD_OPEN", "pachca_body", "signed", "tracker_headers"]

THREAD_OPEN = "POST /pachca/messages/{id}/thread"


def pachca_body(message_id: int = 56431, **overrides: Any) -> dict[str, Any]:
    return message_webhook(message_id, timestamp=int(time.time()), **overrides)


def signed(payload: Any, secret: str = PACHCA_SECRET) -> tuple[bytes, dict[str, str]]:
    raw = dumps(payload)
    return raw, {"Content-Type": "application/json", "pachca-signature": sign(raw, secret)}


def tracker_headers(secret: str = TRACKER_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=UTF-8", "X-Tracker-Secret": secret}
