"""A test skipped proves nothing: no test may skip itself. What a test needs is installed or started by the
project itself (PostgreSQL by the tests, Chromium by `make test`), so a missing one fails loudly instead."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SKIPS = re.compile(r"pytest\.skip\(|mark\.skip|mark\.skipif|importorskip\(")


def test_no_test_skips_itself() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SKIPS.search(line)
    ]
    assert found == []
