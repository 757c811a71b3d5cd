"""`servicedesk.env`: every command reads it from the working directory, the environment wins, and what `init` (or
`deploy`) writes reads back exactly, whatever the value holds."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main
from entrypoints.config import env_file
from entrypoints.config.env_file import command_environment, file_values, write_values
from tests.conftest import TEST_ENV

AWKWARD = {
    "WEBHOOK_SECRET": "a\\b'c${HOME}\"d, =e\\",
    "INTAKE_TOPICS": "Доступы;Оборудование # not a comment",
    "EMPTY": "",
}


def test_what_is_written_reads_back_exactly_and_only_its_owner_may_read_it(tmp_path: Path) -> None:
    path = write_values(AWKWARD, tmp_path / "servicedesk.env")

    assert file_values(path) == AWKWARD
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_file_tightened_by_hand_stays_private_when_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "servicedesk.env"
    path.write_text("A=1\n")
    path.chmod(0o644)

    write_values({"A": "2"}, path)

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert file_values(path) == {"A": "2"}


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "servicedesk.env"
    path.write_text("TRACKER_QUEUE=FROMFILE\nexport TRACKER_ORG_ID=111\n# a comment\n")

    merged = command_environment({"TRACKER_QUEUE": "FROMENV"}, path)

    assert merged["TRACKER_QUEUE"] == "FROMENV"
    assert merged["TRACKER_ORG_ID"] == "111"


def test_no_file_means_the_environment_alone(tmp_path: Path) -> None:
    assert command_environment({"A": "1"}, tmp_path / "absent.env") == {"A": "1"}


def test_a_command_reads_the_file_in_its_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(env_file, "ENV_FILE", Path("servicedesk.env"))  # relative: the working directory's
    write_values({**TEST_ENV, "STATE_URL": "postgresql://bridge@db.example:6432/bridge"}, tmp_path / "servicedesk.env")
    cleared = dict.fromkeys([*TEST_ENV, "PACHKA_API_TOKEN", "STATE_URL"])

    result = CliRunner().invoke(main, ["deploy", "--print", "--folder-id", "b1g"], env=cleared)

    assert result.exit_code == 0, result.output
    assert "TRACKER_ORG_ID" in result.output  # the file's configuration, though the environment has none
