"""600 connections trickling a body, or held idle and reopened, stopped `serve` answering
webhooks (0 of 10 probes answered), and the header deadline did not cover the body. Real sockets on loopback,
bounded in count (600) and in time; the probes are ordinary requests on new connections."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
import requests

from entrypoints.http.server import LIMITS, PER_CLIENT
from tests.entrypoints.http.test_serve_bounds_bodies_and_connections import address, connection

HELD = 600  # over waitress's connection limit (LIMITS["connection_limit"])
PROBES = 10
STARTS = {
    "trickling a body": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{",
    "headers started": b"POST / HTTP/1.1\r\nHost: x\r\n",
    "idle": b"",
}


@contextmanager
def held(base: str, count: int, start: bytes) -> Iterator[list[socket.socket]]:
    with ExitStack() as stack:
        socks = []
        for _ in range(count):
            sock = stack.enter_context(connection(base, timeout=2.0))
            if start:
                sock.sendall(start)
            socks.append(sock)
        time.sleep(0.5)  # the server has read what they sent
        yield socks


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def probes_answered(base: str) -> int:
    answered = 0
    for _ in range(PROBES):
        try:
            answered += requests.get(base + "/healthz", timeout=3).status_code == 200
        except requests.RequestException:
            pass
    return answered


@pytest.mark.parametrize("start", STARTS.values(), ids=STARTS.keys())
def test_webhooks_are_answered_while_600_connections_are_held(served: str, start: bytes) -> None:
    assert HELD > LIMITS["connection_limit"]
    with held(served, HELD, start):
        started = time.monotonic()
        answered = probes_answered(served)
        took = time.monotonic() - started

    assert answered == PROBES
    assert took < 10


def test_connections_closed_and_reopened_leave_room_too(served: str) -> None:
    """The attacker reopens each connection the server closes, round after round; probes still pass."""
    with held(served, HELD, STARTS["idle"]) as socks, ExitStack() as reopened:
        answered = 0
        for _ in range(3):  # rounds of reopening, then probes
            for i, sock in enumerate(list(socks)):
                if closed_by_server(sock):
                    sock.close()
                    socks[i] = reopened.enter_context(socket.create_connection(address(served), timeout=2.0))
            answered += probes_answered(served)

    assert answered == 3 * PROBES


def test_one_client_holds_at_most_its_share(served: str) -> None:
    with held(served, PER_CLIENT + 50, STARTS["headers started"]) as socks:
        still_open = sum(not closed_by_server(sock) for sock in socks)

    assert still_open <= PER_CLIENT


def test_a_body_trickled_past_the_deadline_loses_its_connection(served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("entrypoints.http.server.BODY_SECONDS", 0.5)
    started = time.monotonic()
    with connection(served) as sock:
        sock.sendall(STARTS["trickling a body"])
        closed = False
        while not closed and time.monotonic() - started < 5:  # one byte every 0.1 s, for at most 5 s
            time.sleep(0.1)
            try:
                sock.sendall(b" ")
                closed = closed_by_server(sock)
            except OSError:
                closed = True

    assert closed
    assert time.monotonic() - started < 3
