"""Pleasantries: a top-level message that only thanks or acknowledges («Спасибо!», «ок 👍») is not a request."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

DEFAULT_PLEASANTRIES = ("спасибо", "благодарю", "ок", "ok", "понял", "понятно", "ага", "👍", "🙏")
_INVISIBLE = frozenset("\u200d\ufe0e\ufe0f")  # the joiner and the text/emoji presentation selectors
_SKIN_TONES = range(0x1F3FB, 0x1F400)
LONGEST_PLEASANTRY = 200  # characters: whoever writes more is asking something (and a long text costs no scan)


def tokens(text: str) -> tuple[str, ...]:
    """Words (letters and digits) and single symbols, case folded; spaces, punctuation, presentation selectors and
    skin tones dropped, so «Спасибо!!», «спасибо» and «👍🏻» read as their plain selves."""
    found: list[str] = []
    word: list[str] = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        if char.isalnum() or unicodedata.category(char) == "Mn":
            word.append(char)
            continue
        if word:
            found.append("".join(word))
            word = []
        if char in _INVISIBLE or ord(char) in _SKIN_TONES or char.isspace():
            continue
        if unicodedata.category(char)[0] == "S":  # a symbol: an emoji is one
            found.append(char)
    if word:
        found.append("".join(word))
    return tuple(found)


def is_pleasantry(text: str, pleasantries: Iterable[str] = DEFAULT_PLEASANTRIES) -> bool:
    """Rules:
    - the message is nothing but pleasantries: one («Спасибо!»), one repeated («👍👍👍») or a few together
      («Ок, спасибо 🙏»); case, spaces and punctuation do not count;
    - a pleasantry inside anything else («Спасибо, но принтер так и не печатает») is a request;
    - an empty message or one of punctuation alone is not a pleasantry (it is left to the usual rules);
    - a message longer than `LONGEST_PLEASANTRY` characters is a request, whatever it repeats.
    """
    if len(text) > LONGEST_PLEASANTRY:
        return False
    phrases = {tokens(p) for p in pleasantries}
    phrases.discard(())
    said = tokens(text)
    if not said or not phrases:
        return False
    longest = max(len(p) for p in phrases)
    covered = [True] + [False] * len(said)  # covered[i]: the first i tokens are pleasantries, one after another
    for end in range(1, len(said) + 1):
        covered[end] = any(
            covered[end - size] and said[end - size : end] in phrases for size in range(1, min(longest, end) + 1)
        )
    return covered[-1]
