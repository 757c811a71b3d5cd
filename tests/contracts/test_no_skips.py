"""No test skips: a skipped test proves nothing. What a test needs beside Python (PostgreSQL, Chromium) comes from
`make test` (tests/services.sh); where it is missing the test fails and says what to install."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SKIPPING = {"skip", "skipif", "importorskip"}


def skips_in(source: str) -> list[int]:
    """The lines that call `pytest.skip`/`importorskip` or mark a test `skip`/`skipif`."""
    return [
        node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute) and node.attr in SKIPPING
    ]


def test_no_test_module_skips() -> None:
    found = {
        str(path.relative_to(TESTS)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := skips_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_every_way_to_skip() -> None:
    for source in (
        "import pytest\npytest.skip('no')",
        "import pytest\n@pytest.mark.skipif(True, reason='no')\ndef test(): ...",
        "import pytest\n@pytest.mark.skip\ndef test(): ...",
        "import pytest\npytest.importorskip('psycopg')",
    ):
        assert skips_in(source) != [], source
