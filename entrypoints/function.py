"""The Yandex Cloud Functions entrypoint: HTTP events and timer events, never an unhandled exception."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import time
from typing import Any

from adapters.http import invocation_deadline
from entrypoints.bootstrap import build_container
from entrypoints.logs import current_request
from entrypoints.payloads import is_timer
from entrypoints.settings import DEFAULT_FUNCTION_STATE_URL, ConfigurationError
from entrypoints.webhooks import HttpRequest, HttpResponse, WebhookApp

log = logging.getLogger("servicedesk.function")

_app: WebhookApp | None = None
_config_error: ConfigurationError | None = None
_iam_token: str | None = None


def handler(event: Any, context: Any) -> dict[str, Any]:
    global _iam_token
    _iam_token = _token_of(context)
    deadline = invocation_deadline.set(_deadline_of(context))
    request = current_request.set(_request_id(event, context) or None)
    try:
        app = _instance()
        if app is None:
            return to_function_response(HttpResponse(503, {"ok": False, "error": str(_config_error)}))
        if is_timer(event) and "httpMethod" not in event:
            return to_function_response(app.handle_timer(getattr(context, "request_id", "")))
        return to_function_response(app.handle(request_from_event(event, context)))
    except Exception:
        log.exception("invocation failed")
        return to_function_response(HttpResponse(503, {"ok": False, "error": "internal error"}))
    finally:
        current_request.reset(request)
        invocation_deadline.reset(deadline)


def _instance() -> WebhookApp | None:
    global _app, _config_error
    if _app is None and _config_error is None:
        try:
            container = build_container(
                os.environ, DEFAULT_FUNCTION_STATE_URL, for_function=True, password_provider=lambda: _iam_token
            )
            _app = container.webhooks()
        except ConfigurationError as e:
            _config_error = e
            print(json.dumps({"level": "ERROR", "logger": "servicedesk.function", "message": str(e)}), flush=True)
    return _app


def reset() -> None:
    """Forgets the built instance, as a new cold start would (for tests)."""
    global _app, _config_error
    _app, _config_error = None, None


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
        request_id=_request_id(event, context),
    )


def _request_id(event: Any, context: Any) -> str:
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
            return body.encode()
    return body.encode("utf-8", "surrogatepass")  # a lone surrogate is refused with a reason, not a crash


def to_function_response(response: HttpResponse) -> dict[str, Any]:
    return {
        "statusCode": response.status,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "body": json.dumps(response.body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def _deadline_of(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    try:
        return time.monotonic() + float(remaining()) / 1000.0
    except (TypeError, ValueError):
        return None


def _token_of(context: Any) -> str | None:
    token = getattr(context, "token", None)
    if isinstance(token, dict):
        value = token.get("access_token")
        return value if isinstance(value, str) else None
    return None
