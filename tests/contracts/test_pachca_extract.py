"""The extract of Pachca's OpenAPI spec that the adapter tests read: its origin is noted, it holds facts only, and it
covers every Pachca path the adapters call."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.contracts.extract_pachca_schemas import EXTRACT, NAMED, OPERATIONS, PROSE

ROOT = Path(__file__).resolve().parents[2]
API_PATH = re.compile(
    r"""f?["'](/(?:oauth|bot|messages|threads|uploads|views|users|chats|direct_url|webhooks)[^"'?]*)["']"""
)


def extract() -> dict[str, Any]:
    return json.loads(EXTRACT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_extract_names_its_source_version_and_licence() -> None:
    origin = extract()["x-extract"]
    assert origin["source"].startswith("https://github.com/pachca/openapi/blob/")
    assert origin["commit"] in origin["source"]
    assert origin["spec_version"] == extract()["info"]["version"]
    assert "MIT" in origin["licence"]
    licence = (EXTRACT.parent / "pachca-openapi.LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Pachca" in licence


def test_the_extract_holds_every_listed_operation_and_every_schema_it_refers_to() -> None:
    spec = extract()
    for path, methods in OPERATIONS.items():
        assert set(methods) <= set(spec["paths"][path]), path
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', EXTRACT.read_text(encoding="utf-8")))
    assert refs and refs <= set(spec["components"]["schemas"])


def test_the_extract_keeps_no_prose() -> None:
    def walk(node: Any, named: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                assert named or key not in PROSE, key
                walk(value, named=key in NAMED and not named)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    spec = extract()
    walk({"paths": spec["paths"], "components": spec["components"]})


def test_every_pachca_path_the_adapters_call_is_in_the_extract() -> None:
    sources = [p for p in (ROOT / "adapters").rglob("*.py") if "pachca" in p.as_posix()]
    called = {re.sub(r"\{[^}]*\}", "{id}", m) for p in sources for m in API_PATH.findall(p.read_text("utf-8"))}
    assert "/messages" in called  # the scan finds the adapters' calls at all
    assert called <= set(extract()["paths"]), called - set(extract()["paths"])
