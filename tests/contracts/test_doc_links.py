"""Every link between the repository's documents resolves: to a file that exists, and to a heading it has.

Headings become anchors the way GitHub makes them: lower case, punctuation other than `-` and `_` dropped, each
space a `-`, and a repeated heading numbered `-1`, `-2`…"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "README.ru.md", *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
EXTERNAL = ("http://", "https://", "mailto:", "tel:")


def without_code(text: str) -> str:
    """The text outside fenced code blocks and inline code, where a `[x](y)` is not a link."""
    kept, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            kept.append("")
            continue
        kept.append("" if fenced else re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


def slug(heading: str) -> str:
    text = re.sub(r"`([^`]*)`", r"\1", heading)  # inline code keeps its text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its words
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    kept = "".join(c for c in text if c in "-_ " or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(document: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in without_code(document.read_text(encoding="utf-8")).splitlines():
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    found.update(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", document.read_text(encoding="utf-8")))
    return found


def links(document: Path) -> list[str]:
    text = without_code(document.read_text(encoding="utf-8"))
    return [*LINK.findall(text), *REFERENCE.findall(text)]


def broken(document: Path, root: Path = ROOT) -> list[str]:
    """The links of `document` that name no file under `root`, or a heading its file does not have."""
    problems = []
    for target in links(document):
        if target.startswith(EXTERNAL):
            continue
        path, _, anchor = target.partition("#")
        file = (document.parent / unquote(path)).resolve() if path else document
        if not file.is_relative_to(root.resolve()):
            problems.append(f"{target}: outside the repository")
        elif not file.exists():
            problems.append(f"{target}: no file {file.relative_to(root.resolve())}")
        elif anchor and file.suffix == ".md" and unquote(anchor).lower() not in anchors(file):
            problems.append(f"{target}: {file.name} has no heading #{anchor}")
    return problems


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_link_to_a_repository_file_or_heading_resolves(document: Path) -> None:
    assert broken(document) == []


def test_the_check_catches_a_missing_heading_and_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Как это работает?\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Top\n\n[ok](#top) [ok](other.md#как-это-работает) [bad](#nowhere) [bad](missing.md) [bad](../outside.md)\n"
        "```\n[not a link](#ignored)\n```\n",
        encoding="utf-8",
    )
    problems = [problem.split(":")[0] for problem in broken(page, root=tmp_path)]
    assert problems == ["#nowhere", "missing.md", "../outside.md"]
