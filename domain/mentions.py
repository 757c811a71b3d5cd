"""@-mentions: finding them in a text and rewriting them for the other side. No I/O: the caller looks people up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Side(Enum):
    TRACKER = "tracker"
    PACHCA = "pachca"


RESERVED = frozenset({"all", "here"})  # Pachca's system words: they address a chat, not a person


def _mention_pattern(handle_chars: str) -> re.Pattern[str]:
    """`@` not glued to a word or path; a handle starting with a letter or digit, without trailing `.` or `-`."""
    return re.compile(rf"(?<![\w.\-])@(?P<handle>[A-Za-z0-9](?:[{handle_chars}]*[A-Za-z0-9_])?)(?!\w)")


_MENTION = {
    Side.TRACKER: _mention_pattern(r"A-Za-z0-9.\-_"),  # Tracker logins
    Side.PACHCA: _mention_pattern(r"A-Za-z0-9_.\-"),  # Pachca nicknames
}

_NO_MENTIONS_INSIDE = re.compile(
    r"```(?s:.*?)(?:```|\Z)"  # fenced code block, ```lang too; an unclosed fence runs to the end
    r"|(`+).+?\1"  # inline code span, on one line
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"  # Markdown link or image: its text and its URL
    r"|\b[A-Za-z][A-Za-z0-9+.\-]*://\S+|\bwww\.\S+"  # bare URL
    r"|\w[\w.+\-]*@[\w\-]+(?:\.[\w\-]+)+"  # e-mail address
)


@dataclass(frozen=True)
class Mention:
    handle: str  # without the '@', as written
    start: int  # span in the text, the '@' included
    end: int


def find_mentions(text: str, side: Side) -> list[Mention]:
    protected = [match.span() for match in _NO_MENTIONS_INSIDE.finditer(text)]
    return [
        Mention(match["handle"], match.start(), match.end())
        for match in _MENTION[side].finditer(text)
        if match["handle"].lower() not in RESERVED and not _overlaps(match.span(), protected)
    ]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    start, end = span
    return any(start < other_end and other_start < end for other_start, other_end in others)


@dataclass(frozen=True)
class Resolution:
    text: str
    notify: tuple[str, ...]  # the other side's handles, unique, in order of first appearance


class MentionResolver:
    """Rewrites mentions from one side's handles to the other's; a mention that maps to nobody stays as written."""

    @staticmethod
    def handles(text: str, side: Side) -> list[str]:
        """The handles to look up: unique regardless of case, as first written, in order of appearance."""
        unique: dict[str, str] = {}
        for mention in find_mentions(text, side):
            unique.setdefault(mention.handle.lower(), mention.handle)
        return list(unique.values())

    @staticmethod
    def resolve(text: str, side: Side, found: Mapping[str, str | None]) -> Resolution:
        """`found` maps a handle (any case) to the other side's handle, or to None when nobody matches."""
        other = {handle.lower(): target for handle, target in found.items() if target}
        parts: list[str] = []
        notify: dict[str, None] = {}
        position = 0
        for mention in find_mentions(text, side):
            target = other.get(mention.handle.lower())
            if target is None:
                continue
            parts += [text[position : mention.start], f"@{target}"]
            position = mention.end
            notify.setdefault(target)
        parts.append(text[position:])
        return Resolution("".join(parts), tuple(notify))


def email_local_part_guess(login: str, domain: str) -> str:
    """The last-resort guess at a login's e-mail (`PACHCA_EMAIL_DOMAIN`): `login@domain`, lower-case."""
    login, domain = login.strip().removeprefix("@"), domain.strip().removeprefix("@")
    if not login or not domain:
        raise ValueError("both a login and a domain are needed to guess an e-mail")
    return f"{login}@{domain}".lower()
