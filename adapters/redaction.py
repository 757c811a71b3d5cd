"""Secret values kept out of text: log records and every error shown to an operator go through here."""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "***"
SHORTEST_SECRET = 4  # a shorter value would blank out ordinary words and numbers


class Redactor:
    """Replaces each of the given secret values in a text."""

    def __init__(self, secrets: Iterable[str | None], shortest: int = SHORTEST_SECRET) -> None:
        self.secrets = tuple(secret for secret in secrets if secret and len(secret) >= shortest)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self.secrets)


class SecretScrubber(logging.Filter):
    """Replaces any configured secret value that reaches a log record, however it got there."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.redactor:
            return True
        record.msg = self.redactor(record.getMessage())
        record.args = None
        for name, value in list(record.__dict__.items()):
            if isinstance(value, str) and name not in ("msg", "levelname", "name"):
                setattr(record, name, self.redactor(value))
        return True
