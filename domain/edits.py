"""What edits, deletions and internal notes look like on the other side."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

AUTHOR_MARKER = "\n\nАвтор: "  # where the bridge's own lines of an issue description begin
REPLY_DELETED = "_Сообщение удалено в Пачке._"
FIRST_MESSAGE_DELETED = "Исходное сообщение этой заявки удалено в Пачке."
DEFAULT_INTERNAL_MARKERS = ("#внутр", "#internal")


def description_with_text(description: str, text: str) -> str:
    """The description with the requester's text replaced and the bridge's own lines (author, link, files) kept."""
    _, marker, own_lines = description.rpartition(AUTHOR_MARKER)
    return f"{text}{marker}{own_lines}" if marker else text


def is_internal_note(text: str, markers: Iterable[str]) -> bool:
    """A note for agents only: it contains one of the markers, in any case."""
    folded = text.casefold()
    return any(marker.casefold() in folded for marker in markers if marker.strip())


def is_newer(changed_at: str, than: str) -> bool:
    """Pachca's `changed_at` values (ISO-8601) compared as moments, not as text."""
    return _moment(changed_at) > _moment(than)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
