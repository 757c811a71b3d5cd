"""Cold start of the function's archive on Python 3.12 (the `python312` runtime), with and without the bytecode
`servicedesk-bot package` ships: the archive unzipped, its requirements installed beside it as the platform does,
and every run with `-B`, since the function's directory is read-only and nothing compiled there is kept."""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.cold_start import Run, _bridge_run
from entrypoints.cli.deploy.archive import PACKAGES, build_package
from entrypoints.cli.deploy.bytecode import Interpreter, find_runtime_interpreter
from entrypoints.sandbox.simulators.world import World


@dataclass(frozen=True)
class BytecodeColdStart:
    python: str
    with_bytecode: list[Run]
    without: list[Run]
    with_cpu: list[float]  # CPU seconds of each whole cold process: steadier than wall time on a busy machine
    without_cpu: list[float]

    @property
    def with_seconds(self) -> float:
        return statistics.median(r.to_answer for r in self.with_bytecode)

    @property
    def without_seconds(self) -> float:
        return statistics.median(r.to_answer for r in self.without)

    @property
    def cpu_saved(self) -> float:
        return statistics.median(self.without_cpu) - statistics.median(self.with_cpu)

    @property
    def all_answered(self) -> bool:
        return all(r.answered for r in self.with_bytecode + self.without)


def measure_bytecode(apis: World, runs: int = 10, warmup: int = 1) -> BytecodeColdStart | None:
    """None when no Python 3.12 is found."""
    python = find_runtime_interpreter()
    if python is None:
        return None
    result = BytecodeColdStart(python.path, [], [], [], [])
    with tempfile.TemporaryDirectory(prefix="bench-bytecode-") as tmp:
        shipped, bare = _install(python, Path(tmp))
        for i in range(warmup + runs):
            state = Path(tmp) / f"state-{i}"
            fast, fast_cpu = _timed(apis, python, state.with_suffix(".a.db"), shipped)
            slow, slow_cpu = _timed(apis, python, state.with_suffix(".b.db"), bare)
            if i >= warmup:
                result.with_bytecode.append(fast)
                result.without.append(slow)
                result.with_cpu.append(fast_cpu)
                result.without_cpu.append(slow_cpu)
    return result


def _timed(apis: World, python: Interpreter, state: Path, code: Path) -> tuple[Run, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = _bridge_run(apis, python.path, state, (), code, ("-B",))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return run, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _install(python: Interpreter, tmp: Path) -> tuple[Path, Path]:
    """The archive with its requirements, and a copy of it without the bridge's own bytecode."""
    shipped = tmp / "with"
    with zipfile.ZipFile(build_package(tmp / "function.zip", python=python)) as archive:
        archive.extractall(shipped)
    pip = [python.path, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"]
    subprocess.run([*pip, "-t", "."], cwd=shipped, check=True, capture_output=True)
    bare = tmp / "without"
    shutil.copytree(shipped, bare)
    for pyc in (bare / "__pycache__").glob("index.*.pyc"):  # the rest of that cache is the libraries'
        pyc.unlink()
    for package in PACKAGES:
        for cache in list((bare / package).rglob("__pycache__")):
            shutil.rmtree(cache)
    return shipped, bare
