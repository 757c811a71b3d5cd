"""`serve` under a huge declared body, a long chunked upload, many slow connections and an
oversized X-Request-Id. Raw sockets on loopback, because a polite HTTP client cannot make these requests."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import pytest
import requests

from entrypoints.http.wsgi import request_from_environ

GIB = 1024**3
MIB = 1024**2
TOO_LARGE = {"ok": False, "error": "body larger than 1 MiB"}


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


@contextmanager
def connection(base: str, timeout: float = 5.0) -> Iterator[socket.socket]:
    sock = socket.create_connection(address(base), timeout=timeout)
    try:
        yield sock
    finally:
        sock.close()


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int(headers.get("Content-Length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except (TimeoutError, ConnectionResetError):
        pytest.fail(f"no answer: {data[:200]!r}")
    return int(lines[0].split()[1]), headers, body


def test_a_declared_2_gib_body_is_refused_with_the_json_413_before_any_of_it_is_read(served: str) -> None:
    with connection(served) as sock:
        sock.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {2 * GIB}\r\n\r\n".encode())

        status, headers, body = read_response(sock)  # no byte of the body was sent

    assert status == 413
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == TOO_LARGE


def test_a_chunked_upload_is_cut_off_soon_after_the_limit(served: str) -> None:
    chunk = b"x" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    with connection(served) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            while sent < 64 * MIB:  # a bounded 300 MB upload: the server must stop it long before this
                sock.sendall(frame)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, body = read_response(sock)

    assert status == 413 and json.loads(body) == TOO_LARGE
    assert sent < 16 * MIB  # the server stopped reading at its limit (plus what the sockets' buffers hold)


def test_real_webhooks_are_answered_while_150_slow_connections_are_held(served: str) -> None:
    with ExitStack() as held:
        for _ in range(150):  # more than waitress's default connection limit (100)
            sock = held.enter_context(connection(served))
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")  # headers started, never finished
        time.sleep(0.5)

        started = time.monotonic()
        answers = [requests.get(served + "/healthz", timeout=10).status_code for _ in range(5)]

    assert answers == [200] * 5
    assert time.monotonic() - started < 5


def test_an_oversized_request_id_never_reaches_a_log_line(served: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    huge = "A" * 200_000

    with connection(served) as sock:
        sock.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nX-Request-Id: {huge}\r\nContent-Length: 2\r\n\r\n{{}}".encode())
        status, _, _ = read_response(sock)

    assert status in (401, 431)
    assert all(huge not in record.getMessage() and huge not in str(record.__dict__) for record in caplog.records)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("c5a8f1e2-7b1d-4a0e-9c3f-1b2d3e4f5a6b", True),
        ("req-42", True),
        ("A" * 200_000, False),
        ("A" * 129, False),
        ("abc\x1b[31mred", False),
        ("два слова", False),
        ("", False),
    ],
)
def test_an_x_request_id_is_kept_only_when_short_and_printable(given: str, kept: bool) -> None:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "HTTP_X_REQUEST_ID": given}

    request_id = request_from_environ(environ).request_id

    assert (request_id == given) is kept
    assert 0 < len(request_id) <= 128 and request_id.isascii() and request_id.isprintable()


def test_headers_trickled_past_the_deadline_lose_their_connection(served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("entrypoints.http.server.HEADER_SECONDS", 0.5)
    started = time.monotonic()
    with connection(served) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        closed = False
        while not closed and time.monotonic() - started < 5:  # one header line every 0.2 s, for at most 5 s
            time.sleep(0.2)
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                sock.settimeout(0.05)
                closed = sock.recv(1) == b""
            except TimeoutError:
                pass
            except OSError:
                closed = True

    assert closed
    assert time.monotonic() - started < 3
