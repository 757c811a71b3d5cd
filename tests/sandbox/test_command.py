"""Started as a user expects: the URL first, one line for a taken port, a clean stop on Ctrl-C."""

from __future__ import annotations

import socket
import subprocess

import requests
from click.testing import CliRunner

from entrypoints.cli.main import main
from tests.sandbox.conftest import COMMAND, clean_env, start, stop, wait_for


def test_it_prints_the_url_first_and_stops_cleanly_on_ctrl_c() -> None:
    process = start("--port", "0", "--no-browser")
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Sandbox:") and "no tokens" in first
    url = first.rsplit(" ", 1)[-1].strip()
    wait_for(lambda: requests.get(url, timeout=5).status_code == 200)

    out, err = stop(process)

    assert process.returncode == 0
    assert "Sandbox stopped." in out
    assert "Traceback" not in err + out


def test_a_taken_port_is_one_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start("--port", str(port), "--no-browser")
        out, err = process.communicate(timeout=30)

    assert process.returncode == 1
    assert out == ""
    assert err.strip().splitlines() == [f"sandbox: port {port} on 127.0.0.1 is taken; try --port {port + 1}"]


def test_under_make_run_the_taken_port_hint_is_a_make_command() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [COMMAND, "sandbox", "--port", str(port), "--no-browser"],
            env={**clean_env(), "MAKE_RUN": "1"}, capture_output=True, text=True, timeout=30,
        )  # fmt: skip

    assert done.returncode == 1
    assert done.stderr.strip() == f'sandbox: port {port} on 127.0.0.1 is taken; try make run ARGS="--port {port + 1}"'


def test_help_names_the_options() -> None:
    for flag in ("-h", "--help"):
        result = CliRunner().invoke(main, ["sandbox", flag])
        assert result.exit_code == 0
        assert "--no-browser" in result.output and "--port" in result.output and "--host" in result.output
