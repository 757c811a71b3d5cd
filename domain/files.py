"""Files that travel with a message or a comment, the limits on them, and the line that stands in for one left out."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from domain.text.pachca_text import one_line

MIB = 1024 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"
NAME_LIMIT = 120  # characters of a file's name carried across: enough for any real name, bounded for keys and paths
MAX_EXTENSION = 16
NAMED_OVER_CAP = 10  # files named in the line for those over `MAX_FILES`; the rest are counted
_DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SEPARATORS = re.compile(r"[/\\]")


def clean_name(name: str, limit: int = NAME_LIMIT) -> str:
    """A file's name as the bridge passes it on: one line, without control or direction-changing characters (an
    RTL override makes `exe.pdf` read as `fdp.exe`), without path separators, never `.` or `..` (which would change a
    request's path), and at most `limit` characters, keeping its extension."""
    text = _DIRECTION_CONTROLS.sub("", name)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    text = " ".join(_SEPARATORS.sub("_", text).split())
    if not text.strip("."):
        return "file"
    if len(text) <= limit:
        return text
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION:
        return text[: limit - 1] + "…"
    return stem[: limit - len(extension) - 2] + "…." + extension


def shown_name(name: str) -> str:
    """A file's name inside a line of text: clean, and like any text from the other side notifying nobody."""
    return one_line(clean_name(name), NAME_LIMIT + 1)


@dataclass(frozen=True)
class FileRef:
    """A file on one side: its name, its size when the side says it, and where it is downloaded from."""

    name: str
    url: str
    size: int | None = None
    content_type: str = ""
    image: bool = False  # the side says it is a picture (Pachca's `file_type`)
    ident: str = ""  # what the side calls this file for good (Pachca's file `id`), to know it again after an edit

    @property
    def mime(self) -> str:
        return self.content_type or mimetypes.guess_type(self.name)[0] or DEFAULT_CONTENT_TYPE

    @property
    def is_image(self) -> bool:
        return self.image or self.mime.startswith("image/")


@dataclass(frozen=True)
class LocalFile:
    """A file downloaded to a temporary path, on its way to the other side."""

    ref: FileRef
    path: str
    size: int


class Skip(Enum):
    TOO_LARGE = "too_large"
    OVER_TOTAL = "over_total"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class FileLimits:
    max_file_bytes: int = 50 * MIB
    max_total_bytes: int = 100 * MIB  # all files of one event together
    max_files: int = 20  # files carried per message or comment; the rest are named in one line

    @classmethod
    def from_megabytes(cls, max_file_mb: int, max_files: int = 20) -> FileLimits:
        """The total per event is twice one file's limit: two large screenshots or logs, not a whole archive."""
        return cls(max_file_mb * MIB, 2 * max_file_mb * MIB, max_files)

    def room(self, used: int) -> int:
        """How large the next file may be after `used` bytes of this event."""
        return max(0, min(self.max_file_bytes, self.max_total_bytes - used))

    def skip_reason(self, size: int | None, used: int) -> Skip | None:
        """Why a file of `size` cannot go, when that is known before downloading it."""
        if size is None or size <= self.room(used):
            return None
        return Skip.TOO_LARGE if size > self.max_file_bytes else Skip.OVER_TOTAL


def skipped_line(file: FileRef, reason: Skip, limits: FileLimits, link: str | None, size: int | None = None) -> str:
    """What the text says instead of a file: its name, its size and why, and where to see it, if anywhere."""
    why = {
        Skip.TOO_LARGE: f"больше допустимых {human_size(limits.max_file_bytes)}",
        Skip.OVER_TOTAL: f"вместе с другими файлами больше {human_size(limits.max_total_bytes)}",
        Skip.UNAVAILABLE: "не удалось скачать",
    }[reason]
    known = size if size is not None else file.size
    shown = human_size(known) if known is not None else "размер неизвестен"
    line = f"Файл «{shown_name(file.name)}» ({shown}) не передан: {why}."
    return f"{line} Оригинал: {link}" if link else line


def over_cap_line(files: Sequence[FileRef], limits: FileLimits, link: str | None) -> str:
    """One line for the files past `MAX_FILES`: the first few named, the rest counted."""
    named = ", ".join(f"«{shown_name(file.name)}»" for file in files[:NAMED_OVER_CAP])
    rest = len(files) - NAMED_OVER_CAP
    more = f" и ещё {rest}" if rest > 0 else ""
    line = f"Не переданы файлы сверх {limits.max_files} за раз ({len(files)}): {named}{more}."
    return f"{line} Оригинал: {link}" if link else line


def human_size(size: int) -> str:
    """`600 Б`, `1,5 КБ`, `60 МБ`: one decimal, with a Russian decimal comma, none when it is zero."""
    if size < 1024:
        return f"{size} Б"
    value, unit = (size / 1024, "КБ") if size < MIB else (size / MIB, "МБ")
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + f" {unit}"
