"""Opens the state store a `STATE_URL` names (see `adapters.state.url`). Nothing connects here: each store
connects on first use, and each engine's module is imported only when a URL names it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from adapters.state.url import check_state_url, sqlite_path

if TYPE_CHECKING:
    from adapters.state.memory import MemoryState
    from adapters.state.postgres import PostgresState
    from adapters.state.sqlite import SqliteState


def open_state(
    url: str, password_provider: Callable[[], str | None] | None = None
) -> MemoryState | SqliteState | PostgresState:
    match check_state_url(url):
        case "memory":
            from adapters.state.memory import MemoryState

            return MemoryState()
        case "sqlite":
            from adapters.state.sqlite import SqliteState

            return SqliteState(sqlite_path(url.strip().partition("://")[2]))
        case _:
            from adapters.state.postgres import PostgresState  # imports psycopg: only when PostgreSQL is configured

            return PostgresState(url.strip(), password_provider)
