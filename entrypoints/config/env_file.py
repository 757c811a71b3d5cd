"""`servicedesk.env`: the file every `servicedesk-bot` command reads from its working directory, under the
environment (a variable already set in the environment wins). `servicedesk-bot init` writes it.

It is read with python-dotenv, the reader behind pydantic-settings' `env_file` (`NAME=value`, quotes, `export`,
comments), without `${VAR}` expansion, so a secret holding `${` arrives as written. `write_values` writes what it
reads back exactly: every value single-quoted, with `\\` and `\'` escaped, and the file readable by its owner only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

ENV_FILE = Path("servicedesk.env")


def file_values(path: Path | None = None) -> dict[str, str]:
    """The file's variables, or nothing when it does not exist."""
    path = ENV_FILE if path is None else path
    if not path.is_file():
        return {}
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {name: value for name, value in values.items() if value is not None}


def command_environment(environ: Mapping[str, str] | None = None, path: Path | None = None) -> dict[str, str]:
    """What a command reads: the file's values under the environment's."""
    return {**file_values(path), **(os.environ if environ is None else environ)}


def write_values(values: Mapping[str, str], path: Path | None = None) -> Path:
    """Replaces the file with `values` (mode 0600 from the first byte; comments are not kept)."""
    path = ENV_FILE if path is None else path
    text = "".join(f"{name}={_quoted(value)}\n" for name, value in values.items())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o600)  # O_CREAT's mode applies only to a new file
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def remember_public_url(url: str, path: Path | None = None) -> Path | None:
    """deploy keeps the function's URL in the file (when there is one), so setup and doctor find it later; the file
    it rewrites when the URL is new."""
    path = ENV_FILE if path is None else path
    if not path.is_file():
        return None
    values = file_values(path)
    if values.get("PUBLIC_URL") == url:
        return None
    return write_values({**values, "PUBLIC_URL": url}, path)
