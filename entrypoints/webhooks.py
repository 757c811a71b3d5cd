"""One request -> response path for the function and the local server, with one error table.

A request is authenticated before anything else is done with it: an unauthenticated one causes no outbound call
and no state write. The timer body carries no secret, so it only drains work that is already stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.http import time_budget
from application.events import Event, FormSubmitted
from application.inbox import QUEUED, Inbox
from entrypoints.logs import current_request
from entrypoints.payloads import BadPayload, is_timer, is_tracker, pachca_event, tracker_event
from ports.clock import Clock
from ports.errors import StateUnavailable
from ports.state import HealthCheck

log = logging.getLogger("servicedesk.webhooks")

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = "body larger than 1 MiB"
FORM_BUDGET_SECONDS = 2.0
FUTURE_SKEW_SECONDS = 60


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes
    request_id: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: dict[str, Any] = field(default_factory=dict)

    def json(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode()


class Unauthorized(Exception):
    pass


class MethodNotAllowed(Exception):
    pass


class PayloadTooLarge(Exception):
    pass


class NotConfigured(Exception):
    pass


# the one error table: (exception, status, whether its message is safe to show)
ERRORS: tuple[tuple[type[BaseException], int, bool], ...] = (
    (Unauthorized, 401, True),
    (BadPayload, 400, True),
    (PayloadTooLarge, 413, True),
    (MethodNotAllowed, 405, True),
    (NotConfigured, 503, True),
    (StateUnavailable, 503, False),
)


def error_response(error: BaseException) -> HttpResponse:
    for kind, status, shown in ERRORS:
        if isinstance(error, kind):
            reason = str(error) if shown else "state store unavailable"
            return HttpResponse(status, {"ok": False, "error": reason})
    return HttpResponse(503, {"ok": False, "error": "internal error"})


@dataclass(frozen=True)
class WebhookSecrets:
    pachca: str
    tracker: str | None
    max_age_seconds: int


class WebhookApp:
    def __init__(
        self,
        secrets: WebhookSecrets,
        inbox: Inbox,
        health: HealthCheck,
        clock: Clock,
        form_handler: Callable[[FormSubmitted], dict[str, str]] | None = None,
        time_left: Callable[[], float | None] | None = None,
    ) -> None:
        self.secrets = secrets
        self.inbox = inbox
        self.health = health
        self.clock = clock
        self.form_handler = form_handler
        self.time_left = time_left

    def handle(self, request: HttpRequest) -> HttpResponse:
        return self._answer(request, self._route)

    def handle_timer(self, request_id: str = "") -> HttpResponse:
        """The timer trigger's own event (not an HTTP request): one drain pass, through the same error table."""
        return self._answer(HttpRequest("POST", "", {}, b"", request_id), lambda _: self._drain())

    def _answer(self, request: HttpRequest, route: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
        token = current_request.set(request.request_id or None)
        try:
            return route(request)
        except Exception as e:
            response = error_response(e)
            if response.status == 503:
                log.exception("request failed")
            else:
                log.info("request refused", extra={"status": response.status, "error": response.body["error"]})
            return response
        finally:
            current_request.reset(token)

    def _route(self, request: HttpRequest) -> HttpResponse:
        method = request.method.upper()
        if method == "GET":
            self.health.ping()
            return HttpResponse(200, {"status": "ok"})
        if method != "POST":
            raise MethodNotAllowed(f"method {method[:16]} not allowed")  # the client's word: logged, so kept short
        if len(request.body) > MAX_BODY_BYTES:
            raise PayloadTooLarge(TOO_LARGE)
        body = _json_or_none(request.body)
        if is_timer(body):
            return self._drain()
        if is_tracker(body) or request.header("x-tracker-secret"):
            self._authenticate_tracker(request)
            _check_unicode(body)
            if not is_tracker(_object(body)):
                return _ignored(body)  # a trigger of another kind: nothing to do
            event = tracker_event(_object(body), self.clock.now())
        else:
            self._authenticate_pachca(request, body)
            _check_unicode(body)
            pachca = pachca_event(_object(body))
            if pachca is None:
                return _ignored(body)
            event = pachca
        if isinstance(event, FormSubmitted):
            return self._submit(event, request)
        return self._accept(event, request)

    def _submit(self, event: FormSubmitted, request: HttpRequest) -> HttpResponse:
        """Pachca wants 200 (or 400 with field errors) within 3 s: what does not fit is finished by the outbox."""
        errors = self.form_handler(event) if self.form_handler is not None else {}
        if errors:
            return HttpResponse(400, {"errors": errors})
        with time_budget(FORM_BUDGET_SECONDS):
            response = self._accept(event, request)
        return HttpResponse(200, response.body)

    def _drain(self) -> HttpResponse:
        done, left = self.inbox.drain(time_left=self.time_left)
        return HttpResponse(200, {"ok": True, "outcome": "drained", "done": done, "left": left})

    def _accept(self, event: Event, request: HttpRequest) -> HttpResponse:
        outcome = self.inbox.accept(event)
        log.info("webhook", extra={"event_key": event.key, "outcome": outcome})
        if outcome == QUEUED:
            return HttpResponse(202, {"ok": True, "outcome": QUEUED})
        return _ok(outcome)

    def _authenticate_tracker(self, request: HttpRequest) -> None:
        expected = self.secrets.tracker
        if not expected:
            raise Unauthorized("tracker events are not configured (TRACKER_WEBHOOK_SECRET)")
        if not hmac.compare_digest(request.header("x-tracker-secret").encode(), expected.encode()):
            raise Unauthorized("missing or wrong X-Tracker-Secret")

    def _authenticate_pachca(self, request: HttpRequest, body: Any) -> None:
        signature = request.header("pachca-signature").strip().lower()
        digest = hmac.new(self.secrets.pachca.encode(), request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature.encode(), digest.encode()):
            raise Unauthorized("missing or wrong Pachca-Signature")
        if not isinstance(body, dict):
            raise BadPayload("body is not a JSON object")
        sent_at = body.get("webhook_timestamp")
        if isinstance(sent_at, bool) or not isinstance(sent_at, int | float) or not 0 < sent_at < math.inf:
            raise Unauthorized("missing webhook_timestamp")
        age = self.clock.now() - sent_at
        if age > self.secrets.max_age_seconds:
            raise Unauthorized("stale webhook_timestamp")
        if age < -FUTURE_SKEW_SECONDS:
            raise Unauthorized("webhook_timestamp in the future")


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting too deep is no JSON the bridge reads
        return None


def _check_unicode(body: Any) -> None:
    """JSON may escape half a surrogate pair (`"\\ud800"`): no store, log or API can take such a string."""
    try:
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise BadPayload("body is not valid Unicode (a lone surrogate)") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadPayload("body is not a JSON object")
    return body


def _ignored(body: dict[str, Any]) -> HttpResponse:
    log.info("webhook ignored", extra={"type": str(body.get("type")), "event": str(body.get("event"))})
    return _ok("ignored")


def _ok(outcome: str) -> HttpResponse:
    return HttpResponse(200, {"ok": True, "outcome": outcome})
