"""Yandex Cloud Functions' side of an invocation: its event as the bridge's HttpRequest, the answer as the event
the platform expects, and what the context carries (the deadline, the IAM token); see docs/cloud-functions.md."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from entrypoints.http.exchange import HttpRequest, HttpResponse


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
