"""`servicedesk-bot --version`, `-h` on every command, and a top-level help that cuts no description short."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main

COMMANDS = sorted(main.commands)


def test_version_prints_the_installed_version() -> None:
    script = Path(sys.executable).parent / "servicedesk-bot"

    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0
    assert done.stdout == f"servicedesk-bot {importlib.metadata.version('servicedesk-pachca-bot')}\n"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_short_and_long_help(command: str, flag: str) -> None:
    result = CliRunner().invoke(main, [command, flag], prog_name="servicedesk-bot")

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: servicedesk-bot {command} [OPTIONS]")
    assert "-h, --help" in result.output


def test_the_top_level_help_shows_every_description_whole() -> None:
    result = CliRunner().invoke(main, ["-h"])

    assert result.exit_code == 0
    assert "..." not in result.output.split("Commands:")[1]  # click marks a cut description with "..."
    assert {"deploy", "doctor", "drain", "package", "serve", "setup"} <= set(COMMANDS)
    for name in COMMANDS:
        first_line = (main.commands[name].help or "").split("\n\n")[0].replace("\n", " ")
        assert f"  {name}" in result.output and first_line in result.output
    assert "exits 0 when done, 1 when a check or a run failed, 2 when the configuration" in result.output
