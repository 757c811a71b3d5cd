"""People as either side knows them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Someone as one side knows them; ids are strings because the sides disagree on their type."""

    id: str
    display_name: str
    nickname: str | None = None
    email: str | None = None
    is_bot: bool = False
