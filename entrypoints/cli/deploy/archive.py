"""The Yandex Cloud Functions archive: the code's packages and `index.py` at the root, plus `requirements.txt`, and
when an interpreter is given, the bytecode it compiled (see `entrypoints.cli.deploy.bytecode`)."""

from __future__ import annotations

import importlib.metadata
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from entrypoints.cli.deploy.bytecode import Interpreter, compile_tree

DISTRIBUTION = "servicedesk-pachca-bot"
PACKAGES = ("domain", "application", "ports", "adapters", "entrypoints")
ENTRY_MODULE = "index.py"
LEFT_OUT = ("entrypoints/sandbox",)  # the local sandbox and its simulators: the function never imports them
POSTGRES_DRIVER = "psycopg[binary]"  # a function should keep its state in PostgreSQL
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same code gives the same archive
DEFAULT_OUTPUT = Path("dist/function.zip")


def source_root() -> Path:
    """The directory holding `index.py` and the packages: wherever the `index` module was imported from."""
    import index

    return Path(index.__file__).resolve().parent


def runtime_requirements(distribution: str = DISTRIBUTION) -> list[str]:
    """The installed distribution's own dependencies (no extras) plus the PostgreSQL driver."""
    requirements = importlib.metadata.requires(distribution) or []
    runtime = [_without_marker(r) for r in requirements if "extra" not in _marker(r)]
    postgres = [_without_marker(r) for r in requirements if _is_postgres_driver(r)]
    return [*runtime, *(postgres[:1] or [POSTGRES_DRIVER])]


def build_package(output: Path = DEFAULT_OUTPUT, root: Path | None = None, python: Interpreter | None = None) -> Path:
    """Source only without `python`; with it, also the bytecode that interpreter's version loads."""
    root = root or source_root()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="servicedesk-package-") as tmp:
        staged = Path(tmp)
        for path in _code_files(root):
            target = staged / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        files = sorted(staged.rglob("*.py")) + (compile_tree(staged, python) if python else [])
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                _add(archive, path.relative_to(staged).as_posix(), path.read_bytes())
            _add(archive, "requirements.txt", ("\n".join(runtime_requirements()) + "\n").encode())
    return output


def _code_files(root: Path) -> Iterator[Path]:
    yield root / ENTRY_MODULE
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if "__pycache__" not in relative.parts and not relative.as_posix().startswith(LEFT_OUT):
                yield path


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _marker(requirement: str) -> str:
    return requirement.partition(";")[2]


def _without_marker(requirement: str) -> str:
    return requirement.partition(";")[0].strip()


def _is_postgres_driver(requirement: str) -> bool:
    return _without_marker(requirement).startswith("psycopg[") and "postgres" in _marker(requirement)
