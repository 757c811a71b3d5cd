"""One request -> response path for the function and the local server, with one error table.

A request is authenticated before anything else is done with it: an unauthenticated one causes no outbound call
and no state write. The timer body carries no secret, so it only drains work that is already stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.http.budget import InvocationBudget
from application.events import BodyRefused, Event, FormSubmitted, Unreadable
from application.once.inbox import Inbox, TimeLeft
from entrypoints.config.logs import current_request
from entrypoints.http.authentication import WebhookSecrets, authenticate_pachca, authenticate_tracker
from entrypoints.http.exchange import HttpRequest, HttpResponse, MethodNotAllowed, PayloadTooLarge
from entrypoints.http.pachca_reader import pachca_event
from entrypoints.http.responses import accepted, ignored, refused, unreadable
from entrypoints.http.tracker_reader import Source, source_of, tracker_event
from ports.clock import Clock
from ports.state.upkeep import HealthCheck

log = logging.getLogger("servicedesk.webhooks")

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = "body larger than 1 MiB"
FORM_BUDGET_SECONDS = 1.4  # Pachca waits 3 s for a form's answer: this leaves the answer itself twice the room


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
        return tracker_event(_object(body), self.clock.now())

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
