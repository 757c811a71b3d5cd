"""What a `STATE_URL` may say: `memory://`, `sqlite:///relative.db`, `sqlite:////absolute.db`, `postgresql://…`
(or `postgres://…`). Checked at start-up with the rest of the configuration: nothing here imports a store."""

from __future__ import annotations

SUPPORTED = "memory://, sqlite:///relative/path.db, sqlite:////absolute/path.db or postgresql://…"


def check_state_url(url: str) -> str:
    """The store kind of a well-formed STATE_URL (`memory`, `sqlite`, `postgresql`); raises ValueError otherwise.
    Connects to nothing and imports no driver, so start-up can check it with the rest of the configuration."""
    scheme, separator, rest = url.strip().partition("://")
    if not separator:
        raise ValueError(f"STATE_URL must look like {SUPPORTED}")
    match scheme.lower():
        case "memory":
            if rest:
                raise ValueError("a memory STATE_URL takes nothing after the scheme: write memory://")
            return "memory"
        case "sqlite":
            sqlite_path(rest)
            return "sqlite"
        case "postgresql" | "postgres":
            return "postgresql"  # psycopg reads the rest (host, socket, options) when it connects
        case _:
            raise ValueError(f"STATE_URL scheme {scheme!r} is not supported; use {SUPPORTED}")


def sqlite_path(rest: str) -> str:
    """The file path of `sqlite://<rest>`: `/relative.db` is relative, `//absolute.db` absolute."""
    if not rest.startswith("/"):
        raise ValueError(
            "a SQLite STATE_URL has no host: write sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    path = rest[1:]
    if "?" in path or "#" in path:
        raise ValueError("a SQLite STATE_URL takes no query or fragment: write sqlite:///path/to/state.db")
    if path in ("", ":memory:") or path.endswith("/"):
        raise ValueError("a SQLite STATE_URL needs a file path, e.g. sqlite:///state.db (use memory:// for tests)")
    return path
