"""Memory while carrying a file: a child process downloads a large file from one side and uploads it to the other
through the real adapters, against the simulated APIs in this process, and reports its peak RSS growth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from entrypoints.sandbox.simulators.world import World

ROOT = Path(__file__).resolve().parent.parent
DIRECTIONS = ("pachca_to_tracker", "tracker_to_pachca")

CHILD = """
import json, resource, sys, tracemalloc
import requests
from adapters.pachca.messenger import pachca_client
from adapters.pachca.files import HttpMessengerFiles
from adapters.tracker.client import tracker_client
from adapters.tracker.files import HttpTrackerFiles
from domain.files import FileRef

base, size, direction = sys.argv[1], int(sys.argv[2]), sys.argv[3]
session = requests.Session()
pachca = HttpMessengerFiles(pachca_client(session, base + "/pachca", "token"))
tracker = HttpTrackerFiles(tracker_client(session, base + "/tracker", "token", org_id="1"))
ways = {
    "pachca_to_tracker": (pachca, tracker, lambda n: FileRef("screen.png", f"{base}/pachca/files/{n}", image=True)),
    "tracker_to_pachca": (
        tracker, pachca, lambda n: FileRef("log.pdf", f"{base}/tracker/v2/issues/Q-1/attachments/1/{n}")
    ),
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
    with World().served() as world:
        runs = {direction: _child(world.base_url, size, direction) for direction in DIRECTIONS}
    growth = {direction: run["growth"] for direction, run in runs.items()}
    heap = {direction: run["heap"] for direction, run in runs.items()}
    return FileMemory(size, growth, heap, max(run["baseline"] for run in runs.values()), world.files.received)


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
