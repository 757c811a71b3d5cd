"""`servicedesk-bot serve` as a person starts it: the installed command in a fresh process."""

from __future__ import annotations

import json
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
        f"serve: cannot listen on 127.0.0.1:{port}: Address already in use. Stop what uses it or pick another "
        f"port: --port {port + 1}"
    ]


def warnings_then_serving(env: dict[str, str], cwd: Path) -> list[dict[str, object]]:
    """The JSON lines `serve` writes up to and including "serving" (its stdout is a pipe: JSON)."""
    full_env = {"PATH": os.environ.get("PATH", ""), **env}
    args = [SCRIPT, "serve", "--port", "0", "--drain-every", "0"]
    process = subprocess.Popen(args, env=full_env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[dict[str, object]] = []
        assert process.stdout is not None
        for raw in process.stdout:
            lines.append(json.loads(raw))
            if lines[-1]["message"] == "serving":
                return lines
        raise AssertionError(f"serve stopped: {process.stderr.read() if process.stderr else ''}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_warns_about_each_feature_a_missing_optional_variable_turns_off(tmp_path: Path) -> None:
    env = {k: v for k, v in TEST_ENV.items() if k != "TRACKER_WEBHOOK_SECRET"} | {"STATE_URL": "sqlite:///s.db"}

    lines = warnings_then_serving(env, tmp_path)

    warned = {str(line["variable"]): str(line["message"]) for line in lines if line["level"] == "WARNING"}
    assert set(warned) == {"TRACKER_WEBHOOK_SECRET", "Y360_OAUTH", "INTAKE_TOPICS", "AGENT_PACHCA_USER_IDS"}
    assert warned["TRACKER_WEBHOOK_SECRET"].startswith("TRACKER_WEBHOOK_SECRET is not set: Tracker events are refused")
    assert "Tracker @mentions" in warned["Y360_OAUTH"]


def test_serve_says_nothing_about_features_that_are_on(tmp_path: Path) -> None:
    env = {**TEST_ENV, "STATE_URL": "sqlite:///s.db", "Y360_OAUTH": "y360-token-1234", "Y360_ORG_ID": "1130000"}
    env |= {"INTAKE_TOPICS": "Доступы;Оборудование", "AGENT_PACHCA_USER_IDS": "2001"}

    lines = warnings_then_serving(env, tmp_path)

    assert [line for line in lines if line["level"] == "WARNING"] == []
