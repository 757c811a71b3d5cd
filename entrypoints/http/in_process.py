"""`serve`'s server in this process: a WSGI app on a real waitress server with `serve`'s limits, on a free local
port, stoppable cleanly (for tests and the bench)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import waitress.wasyncore

from entrypoints.http.server import create_server


@contextmanager
def serving(app: Any, threads: int = 4) -> Iterator[str]:
    server = create_server(app, "127.0.0.1", 0, threads)  # the limits `serve` runs with
    stop = threading.Event()

    def run() -> None:  # waitress's own loop, stopped between polls instead of closing its sockets under it
        while not stop.is_set():
            waitress.wasyncore.loop(timeout=0.05, map=server._map, count=1, use_poll=True)

    thread = threading.Thread(target=run, name="test-waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join()
        server.close()
