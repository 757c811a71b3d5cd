"""Secret values kept out of text: every log scrubber and every error shown to an operator goes through here."""

from __future__ import annotations

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
