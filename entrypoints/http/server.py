"""`serve`'s waitress server with the limits of the status table, and waitress's own refusals in its JSON shape.

Waitress's defaults buffer up to 1 GiB per request before the application sees it and stop accepting at 100
connections; here a body over the limit is refused from its headers (or from the first bytes past the limit when
chunked), many slow or idle connections leave room for real webhooks, and headers that never finish are cut off.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import waitress.server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from entrypoints.http.webhooks import MAX_BODY_BYTES, TOO_LARGE

LIMITS: dict[str, Any] = {
    "max_request_body_size": MAX_BODY_BYTES + 1024,  # a bit over: bodies just over 1 MiB get the app's own 413
    "max_request_header_size": 64 * 1024,  # webhooks carry a few headers; waitress's default is 256 KiB
    "connection_limit": 500,  # waitress's default (100) is what 110 slow connections exhausted
    "channel_timeout": 30,  # an idle connection is closed after this many seconds (default 120)
    "cleanup_interval": 10,  # how often idle connections are looked for (default 30)
    "asyncore_use_poll": True,  # poll(), not select(): no limit at file descriptor 1024
}
HEADER_SECONDS = 10.0  # a webhook's headers come in one packet; a slow sender's never finish
REASONS = {413: TOO_LARGE, 431: "request headers too large", 400: "bad request", 501: "not implemented"}


class JsonErrorTask(ErrorTask):  # type: ignore[misc]
    """Waitress's refusals (body or headers too large, malformed HTTP) as `{"ok": false, "error": …}`."""

    def execute(self) -> None:
        error = self.request.error
        body = json.dumps({"ok": False, "error": REASONS.get(error.code, "request refused")}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json; charset=utf-8"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):  # type: ignore[misc]
    """A connection whose request headers are still arriving `HEADER_SECONDS` after they began is closed: nobody
    holds a connection by trickling headers (idle connections are closed by `channel_timeout`)."""

    error_task_class = JsonErrorTask
    request_began = 0.0

    def received(self, data: bytes) -> bool:
        request = self.request
        overdue = time.monotonic() - self.request_began > HEADER_SECONDS
        if request is not None and not request.headers_finished and overdue:
            self.handle_close()
            return False
        handled = bool(super().received(data))
        if self.request is not None and self.request is not request:
            self.request_began = time.monotonic()  # a request began in this data (after another one, maybe)
        return handled


def create_server(app: Callable[..., Any], host: str, port: int, threads: int) -> Any:
    """A waitress server, not yet running (`.run()`), on every address `host` resolves to."""
    listeners: dict[int, Any] = {}
    server = waitress.server.create_server(
        app, map=listeners, host=host, port=port, threads=threads, ident="servicedesk-bot", **LIMITS
    )
    for listener in list(listeners.values()):
        if isinstance(listener, waitress.server.BaseWSGIServer):
            listener.channel_class = JsonErrorChannel
    return server
