"""`servicedesk-bot init` driven through a pseudo-terminal, as a person would, against the sandbox's simulated Pachca
and Tracker: the file it writes makes `setup` and then `doctor` pass; secrets are never echoed; a refused token is
said at once; a second run changes one value and keeps the rest; without a terminal it exits 2."""

from __future__ import annotations

import os
import pty
import re
import select
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main
from entrypoints.config import env_file
from entrypoints.config.env_file import file_values
from entrypoints.sandbox.simulators.world import World

EXECUTABLE = Path(sys.executable).with_name("servicedesk-bot")
PACHCA_TOKEN = "pachca-token-5e1a9c"
SIGNING_SECRET = "signing-secret-2b7d"
TRACKER_TOKEN = "y0_robot-token-77f0"
WAIT = 20.0  # seconds for one prompt to appear: the answers come from loopback


@pytest.fixture
def world() -> Iterator[World]:
    with World().served() as world:
        yield world


class Terminal:
    """`servicedesk-bot init` in a pseudo-terminal: read until a prompt, type an answer."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal, as at a person's shell
            os.chdir(cwd)
            os.execve(str(EXECUTABLE), [str(EXECUTABLE), "init"], env)
        self.pid, self.fd, self.seen, self.matched = pid, fd, "", 0

    def expect(self, text: str) -> None:
        """Waits for `text` after what was already matched (the same prompt may come again)."""
        deadline = time.monotonic() + WAIT
        while text not in self.seen[self.matched :]:
            assert self._read(deadline - time.monotonic()), f"no {text!r} after:\n{self.seen[self.matched :]}"
        self.matched = self.seen.index(text, self.matched) + len(text)

    def answer(self, prompt: str, reply: str) -> None:
        self.expect(prompt)
        os.write(self.fd, reply.encode() + b"\r")

    def finish(self) -> tuple[int, str]:
        deadline = time.monotonic() + WAIT
        while self._read(deadline - time.monotonic()):
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status), self.seen

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # the child closed the terminal
            return False
        self.seen += chunk.decode("utf-8", "replace")
        return bool(chunk)


def answers(terminal: Terminal, replies: list[tuple[str, str]]) -> tuple[int, str]:
    for prompt, reply in replies:
        terminal.answer(prompt, reply)
    return terminal.finish()


def start(tmp_path: Path, world: World) -> Terminal:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8", **world.env()}
    return Terminal(tmp_path, env)


def test_init_writes_a_file_that_makes_setup_and_doctor_pass(
    tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.inject("GET /pachca/oauth/token/info", 401)  # the first token pasted is a wrong one

    code, transcript = answers(
        start(tmp_path, world),
        [
            ("Pachca bot token: ", "wrong-token"),
            ("Pachca bot token: ", PACHCA_TOKEN),
            ("Signing secret: ", SIGNING_SECRET),
            ("Numbers of the support chats", "1,2"),
            ("Tracker robot token: ", TRACKER_TOKEN),
            ("Organisation id: ", "7654321"),
            ("Number of the queue", ""),
            ("STATE_URL (Enter: none): ", ""),
        ],
    )

    assert code == 0, transcript
    assert "the token was refused. Check it and enter it again." in transcript  # said at once, not at deploy
    assert "1. Поддержка (918264)" in transcript and "SERVICEDESK «Служба поддержки»" in transcript
    assert "Tracker accepts it as X-Org-ID (TRACKER_ORG_ID)" in transcript
    for secret in ("wrong-token", PACHCA_TOKEN, SIGNING_SECRET, TRACKER_TOKEN):
        assert secret not in transcript  # never echoed
    path = tmp_path / "servicedesk.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = file_values(path)
    trigger_secret = values.pop("TRACKER_WEBHOOK_SECRET")
    assert re.fullmatch(r"[0-9a-f]{64}", trigger_secret)
    assert values == {
        "PACHKA_API_TOKEN": PACHCA_TOKEN,
        "BOT_USER_ID": "999",
        "WEBHOOK_SECRET": SIGNING_SECRET,
        "SUPPORT_CHAT_IDS": "918264,918300",
        "TRACKER_API_TOKEN": TRACKER_TOKEN,
        "TRACKER_ORG_ID": "7654321",
        "TRACKER_QUEUE": "SERVICEDESK",
    }

    monkeypatch.setattr(env_file, "ENV_FILE", path)
    monkeypatch.chdir(tmp_path)
    env = {**world.env(), "PUBLIC_URL": "https://functions.yandexcloud.net/d4e1"}
    setup = CliRunner().invoke(main, ["setup"], env=env, catch_exceptions=False)
    assert setup.exit_code == 0, setup.output
    assert world.pachca.webhook_url == env["PUBLIC_URL"]

    doctor = CliRunner().invoke(main, ["doctor"], env=env, catch_exceptions=False)

    assert doctor.exit_code == 0, doctor.output
    assert "ok   state store: not created yet" in doctor.output
    assert not any(secret in doctor.output for secret in (PACHCA_TOKEN, SIGNING_SECRET, TRACKER_TOKEN))


def test_a_second_run_changes_one_value_and_keeps_the_rest(tmp_path: Path, world: World) -> None:
    path = tmp_path / "servicedesk.env"
    env_file.write_values(
        {
            "PACHKA_API_TOKEN": PACHCA_TOKEN,
            "WEBHOOK_SECRET": SIGNING_SECRET,
            "SUPPORT_CHAT_IDS": "918264",
            "TRACKER_API_TOKEN": TRACKER_TOKEN,
            "TRACKER_CLOUD_ORG_ID": "7654321",
            "TRACKER_QUEUE": "SERVICEDESK",
            "TRACKER_WEBHOOK_SECRET": "kept-trigger-secret",
            "INTAKE_TOPICS": "Доступы;Другое",
        },
        path,
    )

    code, transcript = answers(
        start(tmp_path, world),
        [
            ("Pachca bot token (set; Enter keeps it): ", ""),
            ("Signing secret (set; Enter keeps it): ", ""),
            ("Numbers of the support chats", ""),
            ("Tracker robot token (set; Enter keeps it): ", ""),
            ("Organisation id [7654321]: ", ""),
            ("Number of the queue", "2"),
            ("STATE_URL (Enter: none): ", ""),
        ],
    )

    assert code == 0, transcript
    values = file_values(path)
    assert values["TRACKER_QUEUE"] == "IT"  # the one value changed
    assert values["SUPPORT_CHAT_IDS"] == "918264" and values["INTAKE_TOPICS"] == "Доступы;Другое"
    assert values["TRACKER_WEBHOOK_SECRET"] == "kept-trigger-secret"
    assert values["PACHKA_API_TOKEN"] == PACHCA_TOKEN and values["TRACKER_API_TOKEN"] == TRACKER_TOKEN
    # the simulated Tracker takes either header, so the first one tried wins
    assert values["TRACKER_ORG_ID"] == "7654321" and "TRACKER_CLOUD_ORG_ID" not in values


def test_without_a_terminal_init_exits_2_and_says_to_write_the_file_by_hand(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init"], input="")

    assert result.exit_code == 2
    assert "this is not a terminal" in result.output
    assert "Write servicedesk.env by hand" in result.output and "«Configuration» table" in result.output
    assert not (tmp_path / "servicedesk.env").exists()
