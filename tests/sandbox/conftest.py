"""The sandbox as a user starts it: the installed command in its own process, on a free port, no variables."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

COMMAND = str(Path(sys.executable).with_name("servicedesk-bot"))
TOKENS = ("PACHKA_API_TOKEN", "PACHCA_API_TOKEN", "TRACKER_API_TOKEN", "WEBHOOK_SECRET", "TRACKER_ORG_ID", "STATE_URL")


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TOKENS and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return {**env, "PYTHONUNBUFFERED": "1"}


def start(*args: str) -> subprocess.Popen[str]:
    assert shutil.which(COMMAND), f"{COMMAND} is not installed"
    return subprocess.Popen(
        [COMMAND, "sandbox", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env()
    )


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=45)  # its stop waits up to 5 s for waitress and 5 s for the courier
    return out, err


def wait_for(check: Callable[[], Any], timeout: float = 20.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, f"not within {timeout} s"
            return found
        time.sleep(every)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    """The sandbox's base URL, read from its first line (or one already running, at SANDBOX_URL)."""
    if os.environ.get("SANDBOX_URL"):
        yield os.environ["SANDBOX_URL"]
        return
    process = start("--port", "0", "--no-browser")
    assert process.stdout is not None
    first = process.stdout.readline()
    url = first.rsplit(" ", 1)[-1].strip()
    assert url.startswith("http://127.0.0.1:"), first
    try:
        yield url
    finally:
        stop(process)


class Page:
    """The sandbox's own API, as its page uses it."""

    def __init__(self, base: str) -> None:
        self.base = base

    def act(self, action: str, **body: Any) -> None:
        reply = requests.post(f"{self.base}sandbox/{action}", json=body, timeout=10)
        assert reply.status_code == 200, reply.text

    def state(self) -> dict[str, Any]:
        reply = requests.get(f"{self.base}sandbox/state", timeout=10)
        assert reply.status_code == 200
        return dict(reply.json())
