"""Whether the SQLite store a diagnostic would open exists: `doctor` and `drain` look, they never create one."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from adapters.state.url import check_state_url, sqlite_path
from ports.admin import StoreNotCreated


@dataclass(frozen=True)
class Absent:
    what: str  # "the SQLite store does not exist", and its directory when that is missing too
    path: Path

    def said_by(self, command: str) -> str:
        return f"{self.what}, and {command} does not create it (serve and the function do, on first use): {self.path}"


def absent_store(state_url: str) -> Absent | None:
    """What is missing of a SQLite store, or None when it exists (or is not a file at all)."""
    if check_state_url(state_url) != "sqlite":
        return None
    path = Path(sqlite_path(state_url.strip().partition("://")[2])).absolute()
    if path.exists():
        return None
    what = "the SQLite store does not exist" + ("" if path.parent.is_dir() else ", nor does its directory")
    return Absent(what, path)


class AbsentStore:
    """Stands in for a store that does not exist: whatever is asked of it is refused, and nothing is created."""

    def __init__(self, absent: Absent) -> None:
        self._absent = absent

    def __getattr__(self, name: str) -> Callable[..., NoReturn]:
        def refuse(*args: object, **kwargs: object) -> NoReturn:
            directory = self._absent.path.parent
            writable = directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)
            raise StoreNotCreated(str(self._absent.path), writable)

        return refuse
