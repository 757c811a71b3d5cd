"""The answers the webhook endpoint gives, with the one error table: which failure is which status, and whether its
message may be shown to the caller."""

from __future__ import annotations

import logging
from typing import Any

from application.events import BodyRefused, Event
from application.once.inbox import QUEUED
from entrypoints.http.exchange import HttpResponse, MethodNotAllowed, PayloadTooLarge, Unauthorized
from ports.errors import StateUnavailable

log = logging.getLogger("servicedesk.webhooks")


# the one error table: (exception, status, whether its message is safe to show)
ERRORS: tuple[tuple[type[BaseException], int, bool], ...] = (
    (Unauthorized, 401, True),
    (PayloadTooLarge, 413, True),
    (MethodNotAllowed, 405, True),
    (StateUnavailable, 503, False),
)


def error_response(error: BaseException) -> HttpResponse:
    for kind, status, shown in ERRORS:
        if isinstance(error, kind):
            reason = str(error) if shown else "state store unavailable"
            return HttpResponse(status, {"ok": False, "error": reason})
    return HttpResponse(503, {"ok": False, "error": "internal error"})


def accepted(event: Event, outcome: str) -> HttpResponse:
    log.info("webhook", extra={"event_key": event.key, "outcome": outcome})
    if outcome == QUEUED:
        return HttpResponse(202, {"ok": True, "outcome": QUEUED})
    return ok(outcome)


def unreadable(event: BodyRefused, outcome: str) -> HttpResponse:
    """An authenticated body the bridge cannot read: 200, so the sender does not deliver it again."""
    log.info("webhook unreadable", extra={"event_key": event.key, "reason": event.reason, "outcome": outcome})
    return HttpResponse(200, {"ok": False, "outcome": "unreadable"})


def refused(error: Exception) -> HttpResponse:
    response = error_response(error)
    if response.status == 503:
        log.exception("request failed")
    else:
        log.info("request refused", extra={"status": response.status, "error": response.body["error"]})
    return response


def ignored(body: dict[str, Any]) -> HttpResponse:
    log.info("webhook ignored", extra={"type": str(body.get("type")), "event": str(body.get("event"))})
    return ok("ignored")


def ok(outcome: str) -> HttpResponse:
    return HttpResponse(200, {"ok": True, "outcome": outcome})
