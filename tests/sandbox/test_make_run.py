"""`make run` with neither a Pachca nor a Tracker token starts the sandbox, saying so on its first line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contracts.test_makefile import make_n

TOKENS = ("PACHKA_API_TOKEN", "PACHCA_API_TOKEN", "TRACKER_API_TOKEN")


@pytest.fixture(autouse=True)
def no_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TOKENS:
        monkeypatch.delenv(name, raising=False)


def started(output: str) -> list[str]:
    return [line.split("servicedesk-bot ", 1)[1] for line in output.splitlines() if "/bin/servicedesk-bot " in line]


def test_without_tokens_the_first_line_says_the_sandbox_starts_and_how_to_run_the_real_thing(tmp_path: Path) -> None:
    output = make_n("run", f"VENV={tmp_path}/v", "ARGS=--no-browser", f"ENV_FILE={tmp_path}/none.env")

    first = output.splitlines()[0]
    assert first.startswith("No PACHKA_API_TOKEN (PACHCA_API_TOKEN) or TRACKER_API_TOKEN set: starting the sandbox")
    assert "set the variables" in first and "make run" in first
    assert started(output) == ["sandbox --no-browser"]


@pytest.mark.parametrize("token", TOKENS)
def test_with_either_token_it_is_serve(token: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(token, "token-0123456789")

    output = make_n("run", f"VENV={tmp_path}/v", f"ENV_FILE={tmp_path}/none.env")

    assert "sandbox" not in output
    assert started(output) == ["serve "]


def test_with_servicedesk_env_it_is_serve(tmp_path: Path) -> None:
    """The configuration `servicedesk-bot init` wrote is the real bridge's, even with no token in the environment."""
    (tmp_path / "servicedesk.env").write_text("PACHKA_API_TOKEN='token-0123456789'\n")

    output = make_n("run", f"VENV={tmp_path}/v", f"ENV_FILE={tmp_path}/servicedesk.env")

    assert "sandbox" not in output
    assert started(output) == ["serve "]


def test_args_reach_the_command(tmp_path: Path) -> None:
    output = make_n("run", f"VENV={tmp_path}/v", "ARGS=--port 8081 --no-browser")

    assert started(output) == ["sandbox --port 8081 --no-browser"]
