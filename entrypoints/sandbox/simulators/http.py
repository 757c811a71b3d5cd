"""The little HTTP the simulators need: a request, an answer, a WSGI app over a handler, a threaded loopback server.

Standard library only, so the sandbox runs with the product's runtime dependencies. One thread per request, so
an answer held back (a slow or stalled API) never blocks the others.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Call:
    """One request to a simulated API."""

    method: str
    path: str
    args: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    base_url: str = ""

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Call:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        path = str(environ.get("PATH_INFO", "/"))
        host = headers.get("host", "127.0.0.1")
        return cls(
            str(environ.get("REQUEST_METHOD", "GET")),
            path,
            dict(parse_qsl(str(environ.get("QUERY_STRING", "")))),
            body,
            headers,
            f"http://{host}{path}",
        )


@dataclass(frozen=True)
class Stream:
    """A body of `size` bytes sent in chunks, never held whole."""

    size: int
    chunk: int = 64 * 1024

    def chunks(self) -> Iterator[bytes]:
        block = b"\x5a" * self.chunk
        for start in range(0, self.size, self.chunk):
            yield block[: min(self.chunk, self.size - start)]


@dataclass(frozen=True)
class Answer:
    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def body(self) -> bytes:
        if isinstance(self.payload, bytes):
            return self.payload
        return json.dumps(self.payload, ensure_ascii=False).encode()


def answer(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, payload, headers or {})


def not_found(what: str = "Not found") -> Answer:
    return Answer(404, {"errorMessages": [what], "statusCode": 404})


def wsgi_app(handle: Callable[[Call], Answer]) -> WsgiApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        reply = handle(Call.from_environ(environ))
        stream = reply.payload if isinstance(reply.payload, Stream) else None
        body = b"" if stream else reply.body()
        length = stream.size if stream else len(body)
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(length)), *reply.headers.items()]
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        return stream.chunks() if stream else [body]

    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def serving(app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serves `app` on a free loopback port in a background thread; yields its base URL."""
    server = make_server(host, port, app, server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
