"""Text for Pachca never longer than it takes: a long one is cut, with a link to the whole. Linear in the text."""

from __future__ import annotations

# Pachca's API reference gives no maximum for a message's `content` (dev.pachca.com/api/messages/create) and refuses
# a long one with 422; 4,000 characters is a screenful, and the rest is one click away in Tracker.
PACHCA_TEXT_LIMIT = 4000
CUT_NOTE = "\n\n… Текст сокращён, полностью: {link}"
FENCE = "```"


def fit(text: str, link: str, limit: int = PACHCA_TEXT_LIMIT) -> str:
    """`text` whole when it fits, else cut (at a space when one is near) with a note linking to the whole."""
    if len(text) <= limit:
        return text
    note = CUT_NOTE.format(link=link)
    cut = text[: max(0, limit - len(note) - len(FENCE) - 1)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    cut = cut[:space] if space >= len(cut) * 9 // 10 else _without_partial_mention(cut)
    if cut.count(FENCE) % 2:
        cut += "\n" + FENCE  # the note stays outside the code block
    return cut.rstrip() + note


def _without_partial_mention(cut: str) -> str:
    """A hard cut may end inside a mention: `@ivan_petrov` cut to `@ivan` would notify someone else."""
    head, at, tail = cut.rpartition("@")
    return head if at and all(c.isalnum() or c in "._-" for c in tail) else cut
