"""Reading a PostgreSQL STATE_URL without ever showing its password."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict


def parse(url: str) -> dict[str, Any]:
    """The URL's connection parameters; ValueError (without the URL's secrets) when libpq cannot read it."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as e:
        password = password_of(url)
        reason = redact(str(e).strip(), (password,) if password else ())
        raise ValueError(f"STATE_URL is not a valid PostgreSQL URL: {reason}") from None
    port = str(params.get("port", "5432"))
    if not re.fullmatch(r"\d+(,\d+)*", port):
        raise ValueError(f"STATE_URL is not a valid PostgreSQL URL: the port {port!r} is not a number")
    return params


def password_of(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
