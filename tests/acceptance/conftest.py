"""The bridge as an outside test meets it: the installed `servicedesk-bot` script run as a process, with nothing in
its environment but what the test gives it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.state.conftest import postgres_url  # noqa: F401 - a fixture, reused

SCRIPT = Path(sys.executable).parent / "servicedesk-bot"
BARE = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # no configuration at all


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**BARE, **(env or {})}
    return subprocess.run(
        [str(SCRIPT), *args], env=environment, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
