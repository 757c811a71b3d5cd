"""Who may call the bridge: Pachca signs its body (HMAC-SHA256 with the webhook secret) and stamps the time; Tracker
sends the shared secret in a header (see docs/pachca.md and docs/tracker.md)."""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from typing import Any

from application.events import Unreadable
from entrypoints.http.exchange import HttpRequest, Unauthorized

FUTURE_SKEW_SECONDS = 60


@dataclass(frozen=True)
class WebhookSecrets:
    pachca: str
    tracker: str | None
    max_age_seconds: int
    tracker_variable: str = "TRACKER_WEBHOOK_SECRET"  # named when Tracker's secret is not set


def authenticate_tracker(request: HttpRequest, secrets: WebhookSecrets) -> None:
    expected = secrets.tracker
    if not expected:
        raise Unauthorized(f"tracker events are not configured ({secrets.tracker_variable})")
    if not hmac.compare_digest(request.header("x-tracker-secret").encode(), expected.encode()):
        raise Unauthorized("missing or wrong X-Tracker-Secret")


def authenticate_pachca(request: HttpRequest, body: Any, secrets: WebhookSecrets, now: float) -> None:
    if not secrets.pachca:  # poll mode: nothing may call in, and an empty key would let anyone sign
        raise Unauthorized("pachca webhooks are not configured (WEBHOOK_SECRET; DELIVERY=poll reads the events)")
    signature = request.header("pachca-signature").strip().lower()
    digest = hmac.new(secrets.pachca.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature.encode(), digest.encode()):
        raise Unauthorized("missing or wrong Pachca-Signature")
    if not isinstance(body, dict):
        raise Unreadable("body is not a JSON object" if body is not None else "body is not JSON")
    sent_at = body.get("webhook_timestamp")
    if isinstance(sent_at, bool) or not isinstance(sent_at, int | float) or not 0 < sent_at < math.inf:
        raise Unauthorized("missing webhook_timestamp")
    age = now - sent_at
    if age > secrets.max_age_seconds:
        raise Unauthorized("stale webhook_timestamp")
    if age < -FUTURE_SKEW_SECONDS:
        raise Unauthorized("webhook_timestamp in the future")
