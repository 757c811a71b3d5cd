"""The `yc` CLI, run as a program: arguments as a list (no shell), `--format json` answers, stdin for payloads.

Nothing secret is ever an argument here: callers pass secrets only as `stdin`, which no process list or shell
history shows. A `yc` that is missing or not initialised is said in the words `deploy` prints.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

CALL_TIMEOUT = 600.0  # creating a version installs its requirements: minutes, not seconds
INSTALL = "install the Yandex Cloud CLI (https://yandex.cloud/en/docs/cli/quickstart) and run `yc init`"

Runner = Callable[..., subprocess.CompletedProcess[str]]


class YcMissing(Exception):
    """No `yc` on PATH, or it has no folder: the sentence says which and what to do."""


class YcFailed(Exception):
    """`yc` answered with an error: the command (without values) and yc's own last line."""


class Yc:
    def __init__(self, executable: str, folder: str, runner: Runner = subprocess.run) -> None:
        self.executable = executable
        self.folder = folder
        self._run = runner

    @classmethod
    def found(cls, folder: str = "", runner: Runner = subprocess.run) -> Yc:
        """The `yc` on PATH with its folder: `folder`, or the one `yc init` chose."""
        executable = shutil.which("yc")
        if executable is None:
            raise YcMissing(f"no `yc` on PATH: {INSTALL}, then run deploy again")
        if not folder:
            answer = runner(
                [executable, "config", "get", "folder-id"], capture_output=True, text=True, timeout=60, check=False
            )
            folder = answer.stdout.strip() if answer.returncode == 0 else ""
        if not folder:
            raise YcMissing(
                "`yc` is not initialised (it has no folder): run `yc init` and choose a folder, or pass "
                "--folder-id, then run deploy again"
            )
        return cls(executable, folder, runner)

    def __call__(self, *args: str, stdin: str | None = None) -> Any:
        """Runs `yc <args> --folder-id <folder> --format json`; its JSON answer, or YcFailed."""
        answer = self._call(args, stdin)
        if answer.returncode != 0:
            raise YcFailed(f"yc {_command(args)}: {_last_line(answer.stderr)}")
        return json.loads(answer.stdout) if answer.stdout.strip() else None

    def find(self, *args: str) -> Any:
        """A `get`: its answer, or None when yc says there is no such thing."""
        answer = self._call(args, None)
        if answer.returncode == 0:
            return json.loads(answer.stdout) if answer.stdout.strip() else None
        if "not found" in answer.stderr.lower() or "notfound" in answer.stderr.lower():
            return None
        raise YcFailed(f"yc {_command(args)}: {_last_line(answer.stderr)}")

    def _call(self, args: tuple[str, ...], stdin: str | None) -> subprocess.CompletedProcess[str]:
        argv = [self.executable, *args, "--folder-id", self.folder, "--format", "json"]
        try:
            return self._run(argv, input=stdin, capture_output=True, text=True, timeout=CALL_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as e:
            raise YcFailed(f"yc {_command(args)}: no answer in {CALL_TIMEOUT:.0f} s") from e


def _command(args: tuple[str, ...]) -> str:
    """The command's words, up to its first flag: what failed, in few words."""
    return " ".join(itertools.takewhile(lambda word: not word.startswith("-"), args))


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "failed without a message"
