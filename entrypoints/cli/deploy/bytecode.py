"""Bytecode for the function's archive, compiled by the interpreter of the runtime it will run on.

A `.pyc` is only used by the Python version that wrote it, so the archive's bytecode must come from the runtime's
version (`python312`, see docs/cloud-functions.md). It is written with unchecked hashes: Python then loads it without
comparing it to the source, and never tries to rewrite it in the function's read-only directory.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RUNTIME_VERSION = (3, 12)  # Yandex Cloud Functions' `python312`


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: tuple[int, int]

    @property
    def runtime(self) -> str:
        """The Cloud Functions runtime that loads this interpreter's bytecode."""
        return f"python{self.version[0]}{self.version[1]}"


class InterpreterError(Exception):
    """The interpreter given to compile bytecode does not run."""


def interpreter(path: str) -> Interpreter:
    try:
        done = subprocess.run(  # noqa: S603 - the operator's own interpreter, named on their command line
            [path, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as e:
        raise InterpreterError(f"{path} does not run as Python: {e}") from e
    major, minor = done.stdout.split()
    return Interpreter(path, (int(major), int(minor)))


def find_runtime_interpreter(version: tuple[int, int] = RUNTIME_VERSION) -> Interpreter | None:
    """This interpreter when it is the runtime's version, else `pythonX.Y` on PATH, else a pyenv installation."""
    if sys.version_info[:2] == version:
        return Interpreter(sys.executable, version)
    name = "python{}.{}".format(*version)
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = [
        shutil.which(name),
        *sorted(glob.glob(f"{pyenv_root}/versions/{version[0]}.{version[1]}.*/bin/{name}")),
    ]
    for candidate in filter(None, candidates):
        try:
            found = interpreter(candidate)
        except InterpreterError:
            continue
        if found.version == version:
            return found
    return None


def compile_tree(directory: Path, python: Interpreter) -> list[Path]:
    """Writes `__pycache__/*.pyc` beside every module under `directory`; returns them."""
    subprocess.run(  # noqa: S603 - the interpreter checked by `interpreter()`
        [
            python.path,
            "-m",
            "compileall",
            "-q",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(directory),
            str(directory),
        ],
        capture_output=True,
        timeout=300,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same code gives the same bytes
    )
    return sorted(directory.rglob("__pycache__/*.pyc"))
