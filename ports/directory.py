from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from domain.people import Person


@runtime_checkable
class UserDirectory(Protocol):
    """The organisation's directory of people (login, e-mail, name)."""

    def people(self) -> Iterator[Person]:
        """Everyone, page by page as they are read."""
        ...
