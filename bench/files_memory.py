"""Memory while carrying a file: a child process downloads a large file from one side and uploads it to the other
through the real adapters, against loopback servers in this process, and reports its peak RSS growth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 64 * 1024
DIRECTIONS = ("pachca_to_tracker", "tracker_to_pachca")

CHILD = """
import json, resource, sys, tracemalloc
import requests
from adapters.pachca import pachca_client
from adapters.pachca_files import HttpMessengerFiles
from adapters.tracker_client import tracker_client
from adapters.tracker_files import HttpTrackerFiles
from domain.files import FileRef

base, size, direction = sys.argv[1], int(sys.argv[2]), sys.argv[3]
session = requests.Session()
pachca = HttpMessengerFiles(pachca_client(session, base + "/pachca", "token"))
tracker = HttpTrackerFiles(tracker_client(session, base, "token", org_id="1"))
ways = {
    "pachca_to_tracker": (pachca, tracker, lambda n: FileRef("screen.png", f"{base}/files/{n}", image=True)),
    "tracker_to_pachca": (tracker, pachca, lambda n: FileRef("log.pdf", f"{base}/v2/issues/Q-1/attachments/1/{n}")),
}
source, target, ref = ways[direction]

def carry(n):
    with source.download(ref(n), 2 * size) as local:
        target.upload(local)

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux

carry(100_000)  # every module and connection the real run needs is loaded first
before = peak()
carry(size)
growth = peak() - before
tracemalloc.start()  # then once more, counting what Python itself allocates at most while carrying
carry(size)
heap = tracemalloc.get_traced_memory()[1]
print(json.dumps({"baseline": before, "growth": growth, "heap": heap}))
"""


@dataclass(frozen=True)
class FileMemory:
    size: int
    growth: dict[str, int]  # direction -> peak RSS growth in bytes
    heap: dict[str, int]  # direction -> the most Python allocated at once while carrying (tracemalloc), bytes
    baseline: int  # the child's peak RSS before the large file, bytes
    received: int  # bytes the upload servers took in: the file really went across

    @property
    def worst(self) -> int:
        return max(self.growth.values())


def measure_file_memory(size: int = 40 * 1024 * 1024) -> FileMemory:
    with _servers() as (base, received):
        runs = {direction: _child(base, size, direction) for direction in DIRECTIONS}
    growth = {direction: run["growth"] for direction, run in runs.items()}
    heap = {direction: run["heap"] for direction, run in runs.items()}
    return FileMemory(size, growth, heap, max(run["baseline"] for run in runs.values()), received[0])


def _child(base: str, size: int, direction: str) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, base, str(size), direction],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=True,
    )
    result: dict[str, int] = json.loads(done.stdout)
    return result


@contextmanager
def _servers() -> Iterator[tuple[str, list[int]]]:
    received = [0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(received))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, received
    finally:
        server.shutdown()
        server.server_close()


def _handler(received: list[int]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # a file of the size its path ends with, streamed
            size = int(self.path.rsplit("/", 1)[1])
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            block = b"\x5a" * CHUNK
            for start in range(0, size, CHUNK):
                self.wfile.write(block[: min(CHUNK, size - start)])

        def do_POST(self) -> None:
            left = int(self.headers.get("Content-Length") or 0)
            while left > 0:
                left -= len(self.rfile.read(min(CHUNK, left)))
            if self.path.endswith("/uploads"):
                self._json(201, _upload_params(f"http://{self.headers['Host']}/direct"))
                return
            received[0] += int(self.headers.get("Content-Length") or 0)
            if self.path.startswith("/v2/attachments"):
                self._json(201, {"id": "6231e9bd0c6f8e1d3a3b6c01"})
            else:
                self.send_response(204)
                self.end_headers()

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _upload_params(direct_url: str) -> dict[str, str]:
    fields = ("Content-Disposition", "acl", "policy", "x-amz-credential", "x-amz-algorithm", "x-amz-date")
    return {name: "x" for name in fields} | {
        "x-amz-signature": "x",
        "key": "attaches/files/1/${filename}",
        "direct_url": direct_url,
    }
