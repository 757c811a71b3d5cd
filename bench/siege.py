"""`serve` under siege: signed webhooks at a steady rate from one client, each on a new connection as
Pachca's would be, first alone, then while many slow connections trickle headers, then while huge uploads are
attempted. Loopback only; every loop ends on a clock or a byte count."""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import requests

from bench.per_event import bench_bridge
from bench.webhooks import message_body, signed
from entrypoints.http.in_process import serving
from entrypoints.http.wsgi import make_wsgi_app
from entrypoints.sandbox.in_memory_bridge import REQUESTER
from entrypoints.sandbox.simulators.webhooks import SUPPORT_CHAT

MIB = 1024**2
CHUNK = 64 * 1024
NORMAL_RATE = 100.0  # webhooks a second: far above a service desk's, well below what `serve` can answer
RATE_GOAL = 0.95  # of the rate answered without an attack
CLIENT_TIMEOUT = 10.0
ATTACK_START_SECONDS = 1.0  # for the attacking process to start and open its connections


@dataclass(frozen=True)
class Window:
    name: str
    seconds: float
    answered: int  # 200s
    failed: int  # no answer within the client's timeout, or anything but 200
    p99_ms: float
    slowest_ms: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Siege:
    windows: list[Window]

    @property
    def normal_rate(self) -> float:
        """Without an attack: the mean of the windows before and after, so the machine's drift evens out."""
        alone = [w.rate for w in self.windows if w.name.startswith("no attack")]
        return sum(alone) / len(alone)

    @property
    def attacked(self) -> list[Window]:
        return [w for w in self.windows if not w.name.startswith("no attack")]

    def ratio(self, window: Window) -> float:
        return window.rate / self.normal_rate if self.normal_rate else 0.0


def measure_siege(
    slow: int = 200, hold: float = 20.0, uploads: int = 3, upload_mb: int = 300, alone: float = 5.0
) -> Siege:
    with bench_bridge() as bridge, serving(make_wsgi_app(bridge.container.webhooks()), threads=8) as base:
        now, ids = int(bridge.clock.now()), iter(range(5_000_000, 6_000_000))

        def webhook() -> int:
            body, headers = signed(message_body(next(ids), SUPPORT_CHAT, REQUESTER, now, "Не работает вход"))
            return requests.post(base + "/", data=body, headers=headers, timeout=CLIENT_TIMEOUT).status_code

        windows = [_window("no attack, before", alone, webhook)]
        with _attack(hold_slow_connections, base, slow) as held:
            window = _window(f"{slow} slow connections held for {hold:.0f} s", hold, webhook)
        windows.append(replace(window, note=held()))
        with _attack(attempt_uploads, base, uploads, upload_mb * MIB) as taken:
            window = _window(f"{uploads} uploads of {upload_mb} MB attempted", alone, webhook)
        windows += [replace(window, note=taken()), _window("no attack, after", alone, webhook)]
    return Siege(windows)


def _window(name: str, seconds: float, webhook: Callable[[], int]) -> Window:
    """Webhooks sent at `NORMAL_RATE`, one after another: a late answer delays the next one, never two at once."""
    answered = failed = 0
    took: list[float] = []
    started = time.monotonic()
    while (now := time.monotonic()) - started < seconds:
        time.sleep(max(0.0, started + len(took) / NORMAL_RATE - now))
        sent = time.monotonic()
        try:
            ok = webhook() == 200
        except requests.RequestException:
            ok = False
        took.append(time.monotonic() - sent)
        answered, failed = answered + ok, failed + (not ok)
    ordered = sorted(took) or [0.0]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Window(name, time.monotonic() - started, answered, failed, p99 * 1000, ordered[-1] * 1000)


@contextmanager
def _attack(target: Callable[..., None], *args: Any) -> Iterator[Callable[[], str]]:
    """The attack runs in a process of its own, so the webhooks' client and the server share no interpreter lock
    with it; it reports one line when told to stop."""
    context = multiprocessing.get_context("spawn")
    stop, report = context.Event(), context.Queue()
    process = context.Process(target=target, args=(*args, stop, report), daemon=True)
    process.start()
    time.sleep(ATTACK_START_SECONDS)
    lines: list[str] = []
    try:
        yield lambda: lines[0] if lines else "no report"  # read once the block is over
    finally:
        stop.set()
        lines.append(report.get(timeout=30))
        process.join(timeout=30)


def hold_slow_connections(base: str, count: int, stop: Any, report: Any) -> None:
    """`count` connections that send one more header line a second and never finish their request; one the server
    closes is opened again at once, so `count` are held all along."""
    held = [_slow_connection(base) for _ in range(count)]
    reopened = 0
    while not stop.wait(1.0):
        for n, sock in enumerate(held):
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:
                sock.close()
                held[n], reopened = _slow_connection(base), reopened + 1
    report.put(f"{count} held all along, {reopened} reopened after the server closed them")
    for sock in held:
        sock.close()


def _slow_connection(base: str) -> socket.socket:
    sock = socket.create_connection(_address(base), timeout=5)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: bench\r\n")
    return sock


def attempt_uploads(base: str, count: int, size: int, stop: Any, report: Any) -> None:
    """`count` clients each attempting an upload of `size` bytes, again a second after each refusal."""
    taken: list[int] = []

    def upload() -> None:
        chunk = b"x" * CHUNK
        while not stop.is_set():
            sent = 0
            with socket.create_connection(_address(base), timeout=5) as sock:
                try:
                    sock.sendall(f"POST / HTTP/1.1\r\nHost: bench\r\nContent-Length: {size}\r\n\r\n".encode())
                    while sent < size and not stop.is_set():
                        sock.sendall(chunk)
                        sent += CHUNK
                except OSError:
                    pass  # refused: the server closed the connection
            taken.append(sent)
            stop.wait(1.0)

    threads = [threading.Thread(target=upload, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.put(f"{len(taken)} attempts, at most {max(taken, default=0) / MIB:.1f} MiB sent before the refusal")


def _address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80
