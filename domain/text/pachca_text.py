"""Text from Tracker made safe for Pachca: it notifies only the people the bridge resolved, and it cannot pass for
the bridge's own lines, and it is never longer than Pachca takes (a long one is cut, with a link to the whole).
Every step is linear in the text."""

from __future__ import annotations

import re
import unicodedata

NAME_LIMIT = 100
QUIET = "\u200b"  # a zero-width space after the `@`: the text reads the same, Pachca finds no mention in it
FORGED_MARK = "> "  # Pachca shows `>` literally: the line visibly belongs to the comment

# what would notify a whole chat, or someone the bridge did not resolve: `@all`, `@here`, a raw `<@user_id>`
_LOUD = re.compile(r"@(?=(?:all|here)\b)|<@", re.IGNORECASE)
# any mention at all: `@` not glued to a word (an e-mail address stays whole) before a handle, and raw `<@id>`
_ANY_MENTION = re.compile(rf"(?<![\w.\-])@(?=\w)|<@(?!{QUIET})")
# the starts of the bridge's own lines, compared without spaces, case, markup or look-alike letters
_OWN_LINES = ("добавленкомментарий", "автор:", "статусзаявкиизменён", "статусзаявкиизменен")
_LOOK_ALIKES = str.maketrans("aeopcxykmthb03", "аеорсхукмтнвоз")
_MARKUP = "*_~`>#|\\-+ \t"
_PREFIX = 64  # characters of a line enough to recognise one of the bridge's line starts


def quiet(text: str) -> str:
    """`@all`, `@here` and raw `<@id>` mentions shown as written, but notifying nobody."""
    return _LOUD.sub(lambda match: match.group() + QUIET, text)


def silent(text: str) -> str:
    """Every mention shown as written, notifying nobody: for names and summaries, where nobody is resolved."""
    return _ANY_MENTION.sub(lambda match: match.group() + QUIET, text)


def one_line(name: str, limit: int = NAME_LIMIT) -> str:
    """A display name (or a summary) on one line, not longer than `limit`, notifying nobody."""
    flat = " ".join(name.split())
    return silent(quiet(flat if len(flat) <= limit else flat[: limit - 1] + "…"))


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
