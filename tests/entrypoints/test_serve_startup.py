"""`servicedesk-bot serve` as a person starts it: the installed command in a fresh process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_ENV

SCRIPT = str(Path(sys.executable).parent / "servicedesk-bot")


def serve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **env}
    return subprocess.run([SCRIPT, "serve", *args], env=full_env, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_a_busy_port_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**TEST_ENV, "STATE_URL": f"sqlite:///{tmp_path / 'state.db'}"}

        done = serve(["--port", str(port), "--drain-every", "0"], env, tmp_path)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"serve: cannot listen on 127.0.0.1:{port}: Address already in use. Stop what uses it or pick --port."
    ]
