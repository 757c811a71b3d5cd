"""Opens the state store a `STATE_URL` names (see `adapters.state.url`). Nothing connects here: each store
connects on first use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from adapters.state.memory import MemoryState
from adapters.state.sqlite import SqliteState
from adapters.state.url import check_state_url, sqlite_path

if TYPE_CHECKING:
    from adapters.state.postgres import PostgresState


def open_state(
    url: str, password_provider: Callable[[], str | None] | None = None
) -> MemoryState | SqliteState | PostgresState:
    match check_state_url(url):
        case "memory":
            return MemoryState()
        case "sqlite":
            return SqliteState(sqlite_path(url.strip().partition("://")[2]))
        case _:
            from adapters.state.postgres import PostgresState  # imports psycopg: only when PostgreSQL is configured

            return PostgresState(url.strip(), password_provider)
