"""The same request path as the function, as a WSGI application for a production WSGI server."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from entrypoints.http.webhooks import MAX_BODY_BYTES, HttpRequest, WebhookApp, request_id

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def make_wsgi_app(app: WebhookApp) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        response = app.handle(request_from_environ(environ))
        payload = response.json()
        reason = HTTPStatus(response.status).phrase
        start_response(
            f"{response.status} {reason}",
            [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    return wsgi


def request_from_environ(environ: dict[str, Any]) -> HttpRequest:
    headers = {
        key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items() if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return HttpRequest(
        method=str(environ.get("REQUEST_METHOD", "GET")),
        path=str(environ.get("PATH_INFO", "")),
        headers=headers,
        body=_read_body(environ),
        request_id=request_id(headers.get("x-request-id", "")),
    )


def _read_body(environ: dict[str, Any]) -> bytes:
    """Reads at most one byte past the limit, so an oversized body is refused without being read whole."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None or length <= 0:
        return b""
    data: bytes = stream.read(min(length, MAX_BODY_BYTES + 1))
    return data
