"""The repository carries everything its tests read: a clone with nothing beside it collects and runs them, and no
file points a reader at documents that live outside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# spelled in pieces, so this file does not match itself
OUTSIDE = ("../" + "shared", "/work/" + "shared", "CON" + "TRACT", "tracker" + "-api.md", "pachca" + "-api.md")
# the tests that read fixed data from the repository (the Pachca spec extract)
READS_DATA = ("tests/adapters", "tests/contracts/test_pachca_extract.py")


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PACHCA_", "TRACKER_", "STATE_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_a_clone_with_nothing_beside_it_collects_and_runs_the_tests_that_read_files(tmp_path: Path) -> None:
    clone = tmp_path / "alone" / "servicedesk-pachca-bot"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    git("checkout", "--quiet", "--detach", git("rev-parse", "HEAD").strip(), cwd=clone)
    assert sorted(p.name for p in clone.parent.parent.iterdir()) == ["alone"]
    assert [p.name for p in clone.parent.iterdir()] == [clone.name]

    python = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    collected = run([*python, "--collect-only", "-q"], clone)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "tests/adapters/pachca/test_pachca.py: " in collected.stdout  # counts per file: every file was collected
    modules = run([sys.executable, "-c", "import domain, tests.adapters.openapi_spec as s; print(s.__file__)"], clone)
    assert Path(modules.stdout.strip()).is_relative_to(clone), modules.stdout + modules.stderr

    ran = run([*python, "-x", *READS_DATA], clone)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert " passed" in ran.stdout


def test_no_file_points_at_documents_outside_the_repository() -> None:
    found = []
    for name in git("ls-files").splitlines():
        path = ROOT / name
        licence = path.suffix == ".LICENSE" or path.name == "LICENSE"  # licences speak of contracts
        if path == Path(__file__) or licence or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}: {word}" for word in OUTSIDE if word in text]
    assert found == []
