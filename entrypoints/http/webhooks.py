"""The webhook endpoint, one request -> response path for the function and the local server: the request and its
answer, who sent it and whether they may (Pachca signs its body with HMAC-SHA256 and stamps the time; Tracker sends a
shared secret in a header: docs/pachca.md, docs/tracker.md), and the one error table.

A request is authenticated before anything else is done with it: an unauthenticated one causes no outbound call
and no state write. The timer body carries no secret, so it only drains work that is already stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from adapters.http.client import InvocationBudget
from application.events import BodyRefused, Event, FormSubmitted, Unreadable
from application.once.inbox import QUEUED, Inbox, TimeLeft
from application.tracker_events import TRACKER_EVENTS
from entrypoints.config.logs import current_request
from entrypoints.http.pachca_reader import pachca_event
from ports.clock import Clock
from ports.errors import StateUnavailable
from ports.state.upkeep import HealthCheck

log = logging.getLogger("servicedesk.webhooks")

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = "body larger than 1 MiB"
FORM_BUDGET_SECONDS = 1.4  # Pachca waits 3 s for a form's answer: this leaves the answer itself twice the room


# --- the request and its answer ---

MAX_REQUEST_ID = 128
REQUEST_ID = re.compile(r"[!-~]+")  # printable ASCII, no spaces


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes
    request_id: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def request_id(given: str) -> str:
    """The caller's X-Request-Id when it is short and printable ASCII; otherwise one of our own. It goes into
    every log line of the request, and the caller is not authenticated yet."""
    if 0 < len(given) <= MAX_REQUEST_ID and REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


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


# --- who sent a body, and whether they may ---

TIMER_EVENT_TYPE = "yandex.cloud.events.serverless.triggers.TimerMessage"
TRACKER_TYPES = frozenset(TRACKER_EVENTS.by_type)  # the body types of the catalogue


class Source(Enum):
    """Who sent a request body, read once per request."""

    TIMER = "timer"  # a timer trigger's message: drain the outbox
    TRACKER = "tracker"  # a Tracker trigger's event, or a body carrying Tracker's secret header
    PACHCA = "pachca"


def source_of(body: Any, tracker_header: bool) -> Source:
    if is_timer(body):
        return Source.TIMER
    if tracker_header or (isinstance(body, dict) and _hashable(body.get("type")) in TRACKER_TYPES):
        return Source.TRACKER
    return Source.PACHCA


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str) else None


def is_timer(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return False
    return any(_is_timer_message(m) for m in body["messages"])


def _is_timer_message(message: Any) -> bool:
    metadata = message.get("event_metadata") if isinstance(message, dict) else None
    return isinstance(metadata, dict) and metadata.get("event_type") == TIMER_EVENT_TYPE


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


# --- the endpoint ---


@dataclass(frozen=True)
class WebhookApp:
    secrets: WebhookSecrets
    inbox: Inbox
    health: HealthCheck
    clock: Clock
    form_handler: Callable[[FormSubmitted], dict[str, str]] | None = None
    budget: InvocationBudget = field(default_factory=InvocationBudget)
    drain_pass: Callable[[TimeLeft], tuple[int, int]] | None = None  # the outbox and the recovery; else the outbox
    webhook_mark: Callable[[], None] | None = None  # a Pachca webhook arrived (the history is judged by it)

    def handle(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request.request_id or None)
        try:
            return self._route(request)
        except Exception as e:
            return refused(e)
        finally:
            current_request.reset(token)

    def handle_timer(self, request_id: str = "") -> HttpResponse:
        """The timer trigger's own event (not an HTTP request): one drain pass, through the same error table."""
        token = current_request.set(request_id or None)
        try:
            return self._drain()
        except Exception as e:
            return refused(e)
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
        source = source_of(body, bool(request.header("x-tracker-secret")))
        if source is Source.TIMER:
            return self._drain()
        try:
            pachca = source is Source.PACHCA
            event = self._pachca_event(request, body) if pachca else self._tracker_event(request, body)
        except Unreadable as e:
            return self._unreadable(request.body, str(e))
        if event is None:
            return ignored(body)  # a kind the bridge does not act on
        if isinstance(event, FormSubmitted):
            return self._submit(event)
        return accepted(event, self.inbox.accept(event))

    def _tracker_event(self, request: HttpRequest, body: Any) -> Event:
        authenticate_tracker(request, self.secrets)
        check_unicode(body)
        return TRACKER_EVENTS.read(_object(body), self.clock.now())

    def _pachca_event(self, request: HttpRequest, body: Any) -> Event | None:
        authenticate_pachca(request, body, self.secrets, self.clock.now())
        if self.webhook_mark is not None:
            self.webhook_mark()
        check_unicode(body)
        return pachca_event(_object(body))

    def _unreadable(self, raw: bytes, reason: str) -> HttpResponse:
        """Authenticated, but never readable: answered 200 so it is not delivered again, and kept as a refused event
        (the same body delivered again is the same event, so it changes nothing)."""
        event = BodyRefused(hashlib.sha256(raw).hexdigest()[:32], reason)
        return unreadable(event, self.inbox.accept(event))

    def _submit(self, event: FormSubmitted) -> HttpResponse:
        """Pachca wants 200 (or 400 with field errors) within 3 s: what does not fit is finished by the outbox."""
        errors = self.form_handler(event) if self.form_handler is not None else {}
        if errors:
            return HttpResponse(400, {"errors": errors})
        with self.budget.within(FORM_BUDGET_SECONDS):
            response = accepted(event, self.inbox.accept(event))
        return HttpResponse(200, response.body)

    def _drain(self) -> HttpResponse:
        if self.drain_pass is not None:
            done, left = self.drain_pass(self.budget.left)
        else:
            done, left = self.inbox.drain(time_left=self.budget.left)
        return HttpResponse(200, {"ok": True, "outcome": "drained", "done": done, "left": left})


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting too deep is no JSON the bridge reads
        return None


def check_unicode(body: Any) -> None:
    """JSON may escape half a surrogate pair (`"\\ud800"`): no store, log or API can take such a string."""
    try:
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise Unreadable("body is not valid Unicode (a lone surrogate)") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Unreadable("body is not a JSON object" if body is not None else "body is not JSON")
    return body


# --- the answers, with the one error table: which failure is which status, and whether its message is shown ---

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
