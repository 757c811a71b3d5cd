"""What `make` installs for each target, and the venv of a Python too old for the bridge being made again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make_n(*args: str) -> str:
    """The commands `make` would run (nothing is run)."""
    inherited = ("STATE_URL", "PYTHON", "VENV", "MAKEFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "MFLAGS")  # CI's make
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    done = subprocess.run(["make", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def installs(output: str) -> list[str]:
    return [line.split(" -e ", 1)[1] for line in output.splitlines() if " install --quiet -e " in line]


def test_run_installs_only_what_running_needs(tmp_path: Path) -> None:
    assert installs(make_n("run", f"VENV={tmp_path}/v")) == ["'.'"]


def test_run_adds_the_postgres_extra_when_state_url_names_postgresql(tmp_path: Path) -> None:
    output = make_n("run", f"VENV={tmp_path}/v", "STATE_URL=postgresql://bridge@db:6432/bridge")

    assert installs(output) == ["'.[postgres]'"]


def test_test_installs_the_test_extras(tmp_path: Path) -> None:
    assert installs(make_n("test", f"VENV={tmp_path}/v")) == ["'.[test]'"]


def test_a_venv_of_a_python_older_than_311_is_made_again(tmp_path: Path) -> None:
    venv = tmp_path / "old"
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    # stands in for a Python 3.10 (none need be installed): answers -V, fails the version check as 3.10 would
    python.write_text('#!/bin/sh\nif [ "$1" = -V ]; then echo "Python 3.10.13"; else exit 1; fi\n')
    python.chmod(0o755)

    output = make_n("venv", f"VENV={venv}")

    assert f"{venv} was made by Python 3.10.13; the bridge needs Python >= 3.11" in output
    assert not venv.exists()  # thrown away, so the next step makes a new one
    assert f"-m venv {venv}" in output


def test_a_venv_of_a_supported_python_is_kept(tmp_path: Path) -> None:
    venv = tmp_path / "current"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)

    output = make_n("venv", f"VENV={venv}")

    assert "was made by" not in output and venv.exists()


def test_make_alone_lists_every_target_with_what_it_does() -> None:
    inherited = ("PYTHON", "VENV", "MAKEFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "MFLAGS")  # CI's `make test VENV=…`
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    done = subprocess.run(["make"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 0 and "install" not in done.stdout  # listing installs nothing
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ")}
    assert listed == {"help", "run", "lint", "test", "bench", "package", "clean"}
    assert ".venv/bin/servicedesk-bot" in done.stdout
