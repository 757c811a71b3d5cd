"""`serve`'s waitress server with the limits of the status table, and waitress's own refusals in its JSON shape.

Waitress's defaults buffer up to 1 GiB per request before the application sees it and stop accepting at 100
connections; here a body over the limit is refused from its headers (or from the first bytes past the limit when
chunked), a request whose headers or body never finish is cut off, one client holds at most `PER_CLIENT`
connections, and a new connection always finds room: the stalest connection that is idle or still sending (never
one whose request is being answered) is closed to make it. So slow, trickling or idle connections, however many
and however often reopened, cannot keep a real webhook out.
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
    "cleanup_interval": 1,  # how often idle and overdue connections are looked for (default 30)
    "asyncore_use_poll": True,  # poll(), not select(): no limit at file descriptor 1024
}
HEADER_SECONDS = 10.0  # a webhook's headers come in one packet; a slow sender's never finish
BODY_SECONDS = 20.0  # from the request's first byte to its body's last: 1 MiB at 0.5 Mbit/s
PER_CLIENT = 100  # connections one address may hold; more evict its own stalest idle or unfinished one
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
    """A connection whose request headers are still arriving `HEADER_SECONDS` after they began, or whose body is
    still arriving `BODY_SECONDS` after the request began, is closed: nobody holds a connection by trickling a
    request (idle connections are closed by `channel_timeout`, and first when room is needed)."""

    error_task_class = JsonErrorTask
    request_began = 0.0

    def overdue(self, now: float) -> bool:
        request = self.request
        if request is None or request.completed:
            return False
        limit = BODY_SECONDS if request.headers_finished else HEADER_SECONDS
        return now - self.request_began > limit

    def evictable(self) -> bool:
        """Idle, or still sending its request: nothing of it is being answered or written back."""
        return not self.requests and not self.total_outbufs_len

    def received(self, data: bytes) -> bool:
        request = self.request
        if self.overdue(time.monotonic()):
            self.handle_close()
            return False
        handled = bool(super().received(data))
        if self.request is not None and self.request is not request:
            self.request_began = time.monotonic()  # a request began in this data (after another one, maybe)
        return handled


class RoomKeepingServer(waitress.server.TcpWSGIServer):  # type: ignore[misc]
    """Waitress's TCP server that never stops accepting: a new connection takes the place of the stalest idle or
    unfinished one, of its own client first (`PER_CLIENT`), then of anyone's at `connection_limit`; requests
    overdue (see `JsonErrorChannel`) are closed by the maintenance pass as well as on their next bytes."""

    next_channel_cleanup: float = 0.0

    def readable(self) -> bool:
        now = time.time()
        if now >= self.next_channel_cleanup:
            self.next_channel_cleanup = now + self.adj.cleanup_interval
            self.maintenance(now)
        return bool(self.accepting)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        moment = time.monotonic()
        for channel in list(self.active_channels.values()):
            if isinstance(channel, JsonErrorChannel) and channel.overdue(moment):
                channel.will_close = True

    def handle_accept(self) -> None:
        try:
            accepted = self.accept()
            if accepted is None:
                return
            conn, addr = accepted
            self.set_socket_options(conn)
        except OSError:
            return
        addr = self.fix_addr(addr)
        channels = list(self.active_channels.values())
        own = [c for c in channels if _client(c.addr) == _client(addr)]
        full = len(channels) >= self.adj.connection_limit
        if (len(own) >= PER_CLIENT and not _evict(own)) or (full and not _evict(channels)):
            conn.close()  # every connection is being answered: the client tries again
            return
        self.channel_class(self, conn, addr, self.adj, map=self._map)


def _client(addr: Any) -> Any:
    return addr[0] if isinstance(addr, tuple) else addr


def _evict(channels: list[Any]) -> bool:
    candidates = [c for c in channels if isinstance(c, JsonErrorChannel) and c.evictable()]
    if not candidates:
        return False
    min(candidates, key=lambda c: c.last_activity).handle_close()
    return True


def create_server(app: Callable[..., Any], host: str, port: int, threads: int) -> Any:
    """A waitress server, not yet running (`.run()`), on every address `host` resolves to."""
    listeners: dict[int, Any] = {}
    server = waitress.server.create_server(
        app, map=listeners, host=host, port=port, threads=threads, ident="servicedesk-bot", **LIMITS
    )
    for listener in list(listeners.values()):
        if type(listener) is waitress.server.TcpWSGIServer:
            listener.__class__ = RoomKeepingServer  # the same server, accepting as above
        if isinstance(listener, waitress.server.BaseWSGIServer):
            listener.channel_class = JsonErrorChannel
    return server
