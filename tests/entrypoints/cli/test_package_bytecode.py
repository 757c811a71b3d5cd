"""The archive as the function runs it, on Python 3.12 (runtime `python312`): unzipped into an empty directory, its
requirements installed beside it with pip, `index.handler` answering real events, and the shipped bytecode used
instead of compiling the sources."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from entrypoints.cli.deploy.archive import PACKAGES, build_package
from entrypoints.cli.deploy.bytecode import Interpreter, find_runtime_interpreter, interpreter
from tests.conftest import TEST_ENV
from tests.entrypoints.conftest import TIMER_EVENT, http_event

# Runs inside the unzipped archive: records every module compiled from source while the handler answers.
CHILD = """
import importlib.machinery, json, os, sys
compiled = []
source_to_code = importlib.machinery.SourceFileLoader.source_to_code
def spy(self, data, path, *args, **kwargs):
    compiled.append(os.path.relpath(path))
    return source_to_code(self, data, path, *args, **kwargs)
importlib.machinery.SourceFileLoader.source_to_code = spy
sys.path.insert(0, os.getcwd())
import index
answers = [index.handler(event, None) for event in json.loads(sys.stdin.read())]
bridge = [m for name, m in sys.modules.items() if name == "index" or name.split(".")[0] in sys.argv[1:]]
print(json.dumps({
    "answers": [[a["statusCode"], json.loads(a["body"])] for a in answers],
    "compiled": compiled,
    "loaded_from_cache": sorted(os.path.relpath(m.__cached__) for m in bridge if os.path.exists(m.__cached__)),
    "bridge_modules": len(bridge),
    "dont_write_bytecode": sys.flags.dont_write_bytecode,
}))
"""


@pytest.fixture(scope="module")
def python312() -> Interpreter:
    found = find_runtime_interpreter()
    assert found is not None, "CI needs a Python 3.12 (the function's runtime) on PATH or in pyenv"
    return found


@pytest.fixture(scope="module")
def installed(python312: Interpreter, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive unzipped into an empty directory, with `pip install -r requirements.txt -t` into it."""
    work = tmp_path_factory.mktemp("function")
    code = work / "code"
    with zipfile.ZipFile(build_package(work / "function.zip", python=python312)) as archive:
        archive.extractall(code)
    pip = [python312.path, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = subprocess.run([*pip, "-r", "requirements.txt", "-t", "."], cwd=code, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return code


def run_handler(python: Interpreter, code: Path, state: Path) -> dict[str, Any]:
    env = {**TEST_ENV, "STATE_URL": f"sqlite:///{state}", "LOG_LEVEL": "WARNING"}
    events = [http_event("GET", b"", {}), TIMER_EVENT]
    done = subprocess.run(
        [python.path, "-I", "-B", "-c", CHILD, *PACKAGES],  # -B: nothing written,
        input=json.dumps(events),
        cwd=code,
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_archive_carries_unchecked_hash_bytecode_for_python312(python312: Interpreter, tmp_path: Path) -> None:
    with zipfile.ZipFile(build_package(tmp_path / "function.zip", python=python312)) as archive:
        names = set(archive.namelist())
        pyc = archive.read("entrypoints/function/__pycache__/handler.cpython-312.pyc")

    sources = {name for name in names if name.endswith(".py")}
    assert {f"{Path(s).parent}/__pycache__/{Path(s).stem}.cpython-312.pyc".lstrip("./") for s in sources} <= names
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source not checked (PEP 552)


def test_the_unzipped_archive_answers_real_events_from_its_own_bytecode(
    python312: Interpreter, installed: Path, tmp_path: Path
) -> None:
    report = run_handler(python312, installed, tmp_path / "state.db")

    assert report["answers"] == [
        [200, {"status": "ok"}],
        [200, {"ok": True, "outcome": "drained", "done": 0, "left": 0}],
    ]
    assert report["dont_write_bytecode"] == 1
    assert report["bridge_modules"] > 20  # the whole bridge, not just index
    ours = [path for path in report["compiled"] if path.split("/")[0] in (*PACKAGES, "index.py")]
    assert ours == []  # nothing of the bridge was compiled on import
    assert len(report["loaded_from_cache"]) == report["bridge_modules"]


def test_without_its_bytecode_the_same_check_sees_the_compile(
    python312: Interpreter, installed: Path, tmp_path: Path
) -> None:
    """The spy is not blind: take one package's bytecode away and its modules are compiled from source."""
    cache = installed / "domain" / "__pycache__"
    moved = tmp_path / "domain-cache"
    cache.rename(moved)
    try:
        report = run_handler(python312, installed, tmp_path / "state.db")
    finally:
        moved.rename(cache)

    assert "domain/__init__.py" in report["compiled"]


def test_package_says_which_runtime_a_foreign_interpreter_matches(tmp_path: Path) -> None:
    this = interpreter(sys.executable)
    from click.testing import CliRunner

    from entrypoints.cli.main import main

    result = CliRunner().invoke(main, ["package", "--output", str(tmp_path / "f.zip"), "--python", sys.executable])

    assert result.exit_code == 0, result.output
    assert f"the archive matches runtime {this.runtime}" in result.output
    if this.runtime != "python312":
        assert "the function's runtime is python312, which would ignore it" in result.output


def test_package_refuses_an_interpreter_that_does_not_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from entrypoints.cli.main import main

    result = CliRunner().invoke(main, ["package", "--output", str(tmp_path / "f.zip"), "--python", "/nonexistent/py"])

    assert result.exit_code == 2
    assert "--python: /nonexistent/py does not run as Python" in result.output
    assert not (tmp_path / "f.zip").exists()


def test_the_same_code_gives_the_same_archive_with_bytecode_too(python312: Interpreter, tmp_path: Path) -> None:
    first = build_package(tmp_path / "a.zip", python=python312).read_bytes()
    second = build_package(tmp_path / "b.zip", python=python312).read_bytes()

    assert first == second
