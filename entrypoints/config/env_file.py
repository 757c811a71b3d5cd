"""`servicedesk.env`: the file every `servicedesk-bot` command reads from its working directory, under the
environment (a variable already set in the environment wins). `servicedesk-bot init` writes it.

It is read by pydantic-settings' own dotenv source (python-dotenv's syntax: `NAME=value`, quotes, `export`, comments),
so the file means to the bridge exactly what it means to `set -a; . ./servicedesk.env` for simple values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic_settings import BaseSettings, DotEnvSettingsSource

ENV_FILE = Path("servicedesk.env")


class _AnyNames(BaseSettings):
    """Only the file's reader is used: it keeps every name as written (case-sensitive)."""


def file_values(path: Path | None = None) -> dict[str, str]:
    """The file's variables, or nothing when it does not exist."""
    path = ENV_FILE if path is None else path
    if not path.is_file():
        return {}
    source = DotEnvSettingsSource(_AnyNames, env_file=path, case_sensitive=True)
    return {name: value for name, value in source.env_vars.items() if value is not None}


def command_environment(environ: Mapping[str, str] | None = None, path: Path | None = None) -> dict[str, str]:
    """What a command reads: the file's values under the environment's."""
    return {**file_values(path), **(os.environ if environ is None else environ)}
