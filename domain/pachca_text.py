"""Text from Tracker made safe for Pachca: it notifies only the people the bridge resolved, and it cannot pass for
the bridge's own lines (`domain.pachca_limit` keeps it within Pachca's length). Every step is linear in the text."""

from __future__ import annotations

import re
import unicodedata

NAME_LIMIT = 100
QUIET = "\u200b"  # a zero-width space after the `@`: the text reads the same, Pachca finds no mention in it
FORGED_MARK = "> "  # Pachca shows `>` literally: the line visibly belongs to the comment

# what would notify a whole chat, or someone the bridge did not resolve: `@all`, `@here`, a raw `<@user_id>`
_LOUD = re.compile(r"@(?=(?:all|here)\b)|<@", re.IGNORECASE)
# the starts of the bridge's own lines, compared without spaces, case, markup or look-alike letters
_OWN_LINES = ("добавленкомментарий", "автор:", "статусзаявкиизменён", "статусзаявкиизменен")
_LOOK_ALIKES = str.maketrans("aeopcxykmthb03", "аеорсхукмтнвоз")
_MARKUP = "*_~`>#|\\-+ \t"
_PREFIX = 64  # characters of a line enough to recognise one of the bridge's line starts


def quiet(text: str) -> str:
    """`@all`, `@here` and raw `<@id>` mentions shown as written, but notifying nobody."""
    return _LOUD.sub(lambda match: match.group() + QUIET, text)


def one_line(name: str, limit: int = NAME_LIMIT) -> str:
    """A display name (or a summary) on one line, not longer than `limit`, notifying nobody."""
    flat = " ".join(name.split())
    return quiet(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def mark_forged_lines(text: str) -> str:
    """A line of a comment that reads like one of the bridge's own lines is marked as the comment's."""
    lines = text.splitlines(keepends=True)
    return "".join(FORGED_MARK + line if _reads_as_own(line) else line for line in lines)


def _reads_as_own(line: str) -> bool:
    head = "".join(c for c in line[:_PREFIX] if not c.isspace() and unicodedata.category(c) != "Cf")
    head = unicodedata.normalize("NFKC", head).casefold().translate(_LOOK_ALIKES).lstrip(_MARKUP)
    return head.startswith(_OWN_LINES)


def from_tracker(text: str) -> str:
    """A Tracker comment's text before its mentions are resolved: forged lines marked, loud mentions quiet."""
    return quiet(mark_forged_lines(text))
