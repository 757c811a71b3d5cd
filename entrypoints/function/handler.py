"""The Yandex Cloud Functions entrypoint: HTTP events and timer events, never an unhandled exception; the platform's
event as the bridge's HttpRequest, the answer as the event the platform expects, and what the context carries (the
deadline, the IAM token); see docs/cloud-functions.md."""

from __future__ import annotations

import base64
import binascii
import gc
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from adapters.http.client import InvocationBudget
from domain.instants import iso_utc
from entrypoints.composition.bootstrap import build_container
from entrypoints.config.configuration import ConfigurationError
from entrypoints.config.logs import current_request
from entrypoints.config.settings import DEFAULT_FUNCTION_STATE_URL
from entrypoints.http.webhooks import HttpRequest, HttpResponse, WebhookApp, is_timer

log = logging.getLogger("servicedesk.function")


class IamToken:
    """The service account's IAM token of the current invocation (the password of a Managed PostgreSQL store)."""

    def __init__(self) -> None:
        self.value: str | None = None

    def __call__(self) -> str | None:
        return self.value


class FunctionRuntime:
    """One function instance: built on the first invocation (a cold start), then reused by every later one."""

    def __init__(self) -> None:
        self.iam_token = IamToken()
        self.reset()

    def reset(self) -> None:
        """Forgets the built instance, as a new cold start would (for tests)."""
        self._app: WebhookApp | None = None
        self._budget = InvocationBudget()
        self._config_error: ConfigurationError | None = None

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        if self._app is not None or self._config_error is not None:
            return self._handle(event, context)
        with collector_paused():  # the cold start
            return self._handle(event, context)

    def _handle(self, event: Any, context: Any) -> dict[str, Any]:
        self.iam_token.value = token_of(context)
        request = current_request.set(request_id_of(event, context) or None)
        try:
            app = self._instance()
            if app is None:
                return to_function_response(HttpResponse(503, {"ok": False, "error": str(self._config_error)}))
            with self._budget.until(deadline_of(context)):
                if isinstance(event, dict) and "httpMethod" not in event and is_timer(event):
                    return to_function_response(app.handle_timer(getattr(context, "request_id", "")))
                return to_function_response(app.handle(request_from_event(event, context)))
        except Exception:
            log.exception("invocation failed")
            return to_function_response(HttpResponse(503, {"ok": False, "error": "internal error"}))
        finally:
            current_request.reset(request)

    def _instance(self) -> WebhookApp | None:
        if self._app is None and self._config_error is None:
            try:
                container = build_container(
                    os.environ, DEFAULT_FUNCTION_STATE_URL, for_function=True, password_provider=self.iam_token
                )
                self._app, self._budget = container.webhooks(), container.outside.budget()
            except ConfigurationError as e:
                self._config_error = e
                line: dict[str, object] = {"time": iso_utc(time.time()), "level": "ERROR"}
                line |= {"logger": "servicedesk.function", "message": e.explain(), "names": e.names}
                print(json.dumps(line, ensure_ascii=False), flush=True)
        return self._app


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a cold instance builds the bridge and imports what its first event
    needs: tens of thousands of new objects, all of which live as long as the instance, that the collector would
    otherwise traverse again and again to free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def request_from_event(event: Any, context: Any = None) -> HttpRequest:
    if not isinstance(event, dict):
        event = {}
    headers = {str(k).lower(): str(v) for k, v in _dict(event.get("headers")).items()}
    for name, values in _dict(event.get("multiValueHeaders")).items():
        if isinstance(values, list) and values and str(name).lower() not in headers:
            headers[str(name).lower()] = str(values[-1])
    method = event.get("httpMethod") or _dict(event.get("requestContext")).get("httpMethod") or "POST"
    return HttpRequest(
        method=str(method),
        path=str(event.get("path") or event.get("url") or ""),
        headers=headers,
        body=_body_of(event),
        request_id=request_id_of(event, context),
    )


def request_id_of(event: Any, context: Any) -> str:
    request_context = _dict(event.get("requestContext")) if isinstance(event, dict) else {}
    return str(request_context.get("requestId") or getattr(context, "request_id", "") or "")


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _body_of(event: dict[str, Any]) -> bytes:
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        return json.dumps(body).encode()
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError):
            return body.encode("utf-8", "surrogatepass")
    return body.encode("utf-8", "surrogatepass")  # a lone surrogate is refused with a reason, not a crash


def to_function_response(response: HttpResponse) -> dict[str, Any]:
    return {
        "statusCode": response.status,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "body": json.dumps(response.body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def deadline_of(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    try:
        return time.monotonic() + float(remaining()) / 1000.0
    except (TypeError, ValueError):
        return None


def token_of(context: Any) -> str | None:
    token = getattr(context, "token", None)
    if isinstance(token, dict):
        value = token.get("access_token")
        return value if isinstance(value, str) else None
    return None


_runtime = FunctionRuntime()
handler = _runtime.handle  # `index.handler`: the platform calls it once per invocation
reset = _runtime.reset
