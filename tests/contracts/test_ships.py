"""What a Python project ships beside its code: the licence pyproject.toml names, a changelog, a contributing guide,
and the PEP 561 marker that lets type checkers read the packages' annotations."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_file_is_the_one_pyproject_names() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_the_changelog_keeps_an_unreleased_section_and_dated_versions() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert PYPROJECT["project"]["version"] in headings
    assert re.search(r"^## \[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)


def test_the_contributing_guide_says_how_to_run_where_changes_go_and_the_checks() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert {"## Run it", "## Where a change goes", "## The checks"} <= set(re.findall(r"^## .+$", text, re.MULTILINE))
    assert "make test" in text


def test_every_package_is_marked_typed_and_the_marker_is_packaged() -> None:
    for package in PYPROJECT["tool"]["importlinter"]["root_packages"]:
        assert (ROOT / package / "py.typed").is_file(), package
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["*"]
