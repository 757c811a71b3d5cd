"""`doctor` and `drain` never create a store or a directory that is not there; they say so instead."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from entrypoints.cli.main import main
from tests.conftest import TEST_ENV

CLOSED = "http://127.0.0.1:9"  # nothing listens: every API check fails at once, without the network
ENV = {**{k: v for k, v in TEST_ENV.items() if k != "STATE_URL"}, "PACHCA_API_URL": CLOSED, "TRACKER_API_URL": CLOSED}


def run(args: list[str], cwd: Path, **env: str | None) -> tuple[int, str]:
    before = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, env={"STATE_URL": None, **ENV, **env})
    finally:
        os.chdir(before)
    return result.exit_code, result.output


def test_drain_in_an_empty_directory_creates_no_store(tmp_path: Path) -> None:
    """Nothing was ever stored, so nothing waits: the pass succeeds with nothing done, and says why."""
    code, output = run(["drain"], tmp_path)

    assert code == 0
    [line] = output.strip().splitlines()  # one answer, not a success on stdout and a complaint on stderr
    assert json.loads(line) == {
        "ok": True, "outcome": "drained", "done": 0, "left": 0,
        "note": "the SQLite store does not exist, and drain does not create it (serve and the function do, on first "
        f"use): {tmp_path / 'servicedesk-state.db'}; nothing was ever queued",
    }  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_drain_creates_no_directory_either(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/nonexistent/dir/x.db"

    code, output = run(["drain"], tmp_path, STATE_URL=url)

    assert code == 1
    assert "the SQLite store does not exist, nor does its directory, and drain does not create it" in output
    assert list(tmp_path.iterdir()) == []


def test_doctor_before_first_use_says_where_the_store_will_be_and_creates_nothing(tmp_path: Path) -> None:
    code, output = run(["doctor"], tmp_path)

    [line] = [line for line in output.splitlines() if "state store:" in line]
    where = tmp_path / "servicedesk-state.db"
    assert line == f"ok   state store: not created yet: it is created on first use at {where} (writable)"
    assert code == 1  # only because the APIs here are closed: the store is not a failure
    assert list(tmp_path.iterdir()) == []


def test_doctor_fails_a_store_that_could_never_be_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/nonexistent/x.db"

    code, output = run(["doctor"], tmp_path, STATE_URL=url)

    assert code == 1
    [line] = [line for line in output.splitlines() if line.startswith("FAIL state store:")]
    where = tmp_path / "nonexistent" / "x.db"
    assert line.startswith(f"FAIL state store: not created yet, and it cannot be created at {where}")
    assert "— fix: check STATE_URL, or create the directory" in line
    assert list(tmp_path.iterdir()) == []


def test_drain_on_an_existing_store_still_drains(tmp_path: Path) -> None:
    (tmp_path / "servicedesk-state.db").touch()

    code, output = run(["drain"], tmp_path)

    assert code == 0
    assert output.strip().endswith('{"ok": true, "outcome": "drained", "done": 0, "left": 0}')


def test_drain_on_a_directory_named_as_the_store_says_so_in_one_line(tmp_path: Path) -> None:
    code, output = run(["drain"], tmp_path, STATE_URL=f"sqlite:///{tmp_path}")

    assert code == 2
    assert "Traceback" not in output
    assert f"STATE_URL names a directory, not a file: {tmp_path}" in output


def test_doctor_never_echoes_a_token_mounted_from_a_file_with_its_newline(tmp_path: Path) -> None:
    token = "token-from-a-file-7f3a"
    code, output = run(["doctor"], tmp_path, PACHKA_API_TOKEN=token + "\n", TRACKER_API_TOKEN=token + "\r\n")

    assert code == 1
    assert token not in output
