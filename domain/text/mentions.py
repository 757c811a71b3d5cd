"""@-mentions: finding them in a text and rewriting them for the other side. No I/O: the caller looks people up."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from domain.text.pachca_text import QUIET


class Side(Enum):
    TRACKER = "tracker"
    PACHCA = "pachca"


RESERVED = frozenset({"all", "here"})  # Pachca's system words: they address a chat, not a person
# Longer than any Tracker login or Pachca nickname: never looked up (a 100,000-character handle in a URL gets 414)
MAX_HANDLE = 64


def _mention_pattern(handle_chars: str) -> re.Pattern[str]:
    """`@` not glued to a word or path; a handle starting with a letter or digit, without trailing `.` or `-`.
    The `@` comes first, so the scan jumps from one `@` to the next."""
    return re.compile(rf"@(?<![\w.\-]@)(?P<handle>[A-Za-z0-9](?:[{handle_chars}]*[A-Za-z0-9_])?)(?!\w)")


_MENTION = {
    Side.TRACKER: _mention_pattern(r"A-Za-z0-9.\-_"),  # Tracker logins
    Side.PACHCA: _mention_pattern(r"A-Za-z0-9_.\-"),  # Pachca nicknames
}

# Every alternative is linear on any text: a scan that fails gives up at the next backtick, bracket or line end, or
# starts only where a run of its characters starts, and possessive quantifiers (`*+`, `++`) never backtrack.
_NO_MENTIONS_INSIDE = re.compile(
    r"```(?s:.*?)(?:```|\Z)"  # fenced code block, ```lang too; an unclosed fence runs to the end
    # inline code between double backticks, on one line. Lazy, not possessive: CPython 3.11.2 (Debian 12's python3)
    # matches nothing with a possessive group of alternatives. Still linear: a failed scan ends at the line's end,
    # and a line holds at most one unclosed pair
    r"|``(?:[^`\n]|`(?!`))+?``"
    r"|`[^`\n]++`"  # inline code span, on one line
    r"|!?\[[^\[\]\n]*+\]\([^()\[\]\n]*+\)"  # Markdown link or image: its text and its URL
    r"|(?<![\w.+\-])[\w.+\-]++(?:://\S+|@[\w\-]++(?:\.[\w\-]++)+)"  # URL with a scheme, or e-mail address
    r"|\bwww\.\S+"  # bare URL
)


@dataclass(frozen=True)
class Mention:
    handle: str  # without the '@', as written
    start: int  # span in the text, the '@' included
    end: int


def find_mentions(text: str, side: Side) -> list[Mention]:
    return list(_scan(text, side))


@lru_cache(maxsize=4)
def _scan(text: str, side: Side) -> tuple[Mention, ...]:
    """One scan per text and side: the handles to look up and the rewrite read the same mentions."""
    candidates = [match for match in _MENTION[side].finditer(text) if match["handle"].lower() not in RESERVED]
    if not candidates:
        return ()  # the common case: code, links and addresses need not be looked for
    protected = _Spans([match.span() for match in _NO_MENTIONS_INSIDE.finditer(text)])
    return tuple(
        Mention(match["handle"], match.start(), match.end())
        for match in candidates
        if not protected.overlaps(match.start(), match.end())
    )


class _Spans:
    """Sorted spans that do not overlap (as `finditer` returns them): an overlap is one binary search away."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end) - 1  # the last span starting before `end`
        return before >= 0 and self.ends[before] > start


@dataclass(frozen=True)
class Resolution:
    text: str
    notify: tuple[str, ...]  # the other side's handles, unique, in order of first appearance


class MentionResolver:
    """Rewrites mentions from one side's handles to the other's; a mention that maps to nobody stays as written.
    Toward Pachca, where a written `@nickname` notifies, it stays quiet (`QUIET` after the `@`): only the people the
    bridge resolved are notified. Toward Tracker only `summonees` notify, so the text is left exactly as typed."""

    @staticmethod
    def handles(text: str, side: Side, limit: int | None = None) -> list[str]:
        """The handles to look up: unique regardless of case, as first written, in order of appearance; at most
        `limit` of them (`MAX_MENTIONS`), so a crowd of mentions costs a bounded number of lookups."""
        unique: dict[str, str] = {}
        for mention in _scan(text, side):
            if limit is not None and len(unique) >= limit:
                break
            if len(mention.handle) <= MAX_HANDLE:
                unique.setdefault(mention.handle.lower(), mention.handle)
        return list(unique.values())

    @staticmethod
    def resolve(text: str, side: Side, found: Mapping[str, str | None]) -> Resolution:
        """`found` maps a handle (any case) to the other side's handle, or to None when nobody matches."""
        other = {handle.lower(): target for handle, target in found.items() if target}
        parts: list[str] = []
        notify: dict[str, None] = {}
        position = 0
        for mention in _scan(text, side):
            target = other.get(mention.handle.lower())
            if target is None and side is Side.PACHCA:
                continue
            parts += [text[position : mention.start], f"@{target}" if target else f"@{QUIET}{mention.handle}"]
            position = mention.end
            if target:
                notify.setdefault(target)
        parts.append(text[position:])
        return Resolution("".join(parts), tuple(notify))


def email_local_part_guess(login: str, domain: str) -> str:
    """The last-resort guess at a login's e-mail (`PACHCA_EMAIL_DOMAIN`): `login@domain`, lower-case."""
    login, domain = login.strip().removeprefix("@"), domain.strip().removeprefix("@")
    if not login or not domain:
        raise ValueError("both a login and a domain are needed to guess an e-mail")
    return f"{login}@{domain}".lower()
