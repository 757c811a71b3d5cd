"""A text built to make a backtracking scan quadratic must not stall a worker.

Each hostile text is scanned in a child process with a deadline a hundred times what a linear scan needs, so a
quadratic scan (minutes for these sizes) is caught without the suite waiting for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE = 100_000
HOSTILE = {
    "one long word": "'a' * SIZE",
    "dotted words": "'a.' * (SIZE // 2)",
    "e-mail look-alike without a domain": "'a' * SIZE + '@x'",
    "unclosed backticks": "'`a' * (SIZE // 2)",
    "one run of backticks": "'`' * SIZE + 'x'",
    "double backticks never closed": "'``a ' * (SIZE // 4)",
    "open brackets": "'[' * SIZE",
    "link openers never closed": "'[a](x ' * (SIZE // 6)",
    "scheme look-alikes": "'a+' * (SIZE // 2)",
    "mentions among urls": "'@ivan http://x.ru/@a ' * (SIZE // 20)",
}
DEADLINE_SECONDS = 10.0


@pytest.mark.parametrize("expression", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_text_is_scanned_for_mentions_in_linear_time(expression: str) -> None:
    script = (
        "from domain.text.mentions import MentionResolver, Side\n"
        f"SIZE = {SIZE}\n"
        f"text = {expression}\n"
        "for side in Side:\n"
        "    MentionResolver.resolve(text, side, {h: h for h in MentionResolver.handles(text, side)})\n"
    )
    try:
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=DEADLINE_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"scanning {SIZE:,} characters took over {DEADLINE_SECONDS:.0f} s: not linear")
