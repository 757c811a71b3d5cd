"""Extracts from Pachca's published OpenAPI spec what the bridge's tests check against: the request and response
schemas of the endpoints the bridge calls and the webhook payloads it receives, nothing else.

Facts only: descriptions, summaries, titles and examples are dropped; types, formats, limits, enums, required keys,
nullability and the scope each method needs are kept. The schemas keep their `#/components/schemas/...` names, so
the result reads like the spec it came from.

    python tests/contracts/extract_pachca_schemas.py openapi.en.yaml --commit <commit> --date <YYYY-MM-DD>

The spec is MIT-licensed; its licence is kept beside the extract (`pachca-openapi.LICENSE`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
EXTRACT = HERE / "pachca-openapi.extract.json"
REPOSITORY = "https://github.com/pachca/openapi"
SPEC_PATH = "packages/spec/openapi.en.yaml"

# method and path of every Pachca call the bridge makes or is about to make (docs/pachca.md says what each is for)
OPERATIONS: dict[str, tuple[str, ...]] = {
    "/oauth/token/info": ("get",),
    "/bot/webhook": ("put",),
    "/messages": ("get", "post"),
    "/messages/{id}": ("get", "put", "delete"),
    "/messages/{id}/thread": ("post",),
    "/threads/{id}": ("get",),
    "/uploads": ("post",),
    "/direct_url": ("post",),
    "/views/open": ("post",),
    "/users": ("get",),
    "/users/{id}": ("get",),
    "/chats": ("get",),
    "/chats/{id}": ("get",),
    "/chats/{id}/members": ("get", "post"),
    "/webhooks/events": ("get",),
    "/webhooks/events/{id}": ("delete",),
}
# what Pachca posts to the bridge: referenced by no path, so named here
WEBHOOK_SCHEMAS = ("WebhookPayloadUnion",)

PROSE = {"description", "summary", "title", "example", "examples", "tags", "x-enum-descriptions"}
PROSE_PATTERN = re.compile(r"^x-.*example", re.IGNORECASE)
# mappings whose keys are names chosen by the spec (a property may well be called `description`)
NAMED = {"properties", "paths", "schemas", "responses", "content", "headers", "securitySchemes"}


def extract(spec: dict[str, Any], source: dict[str, str]) -> dict[str, Any]:
    paths = {path: {m: spec["paths"][path][m] for m in methods} for path, methods in OPERATIONS.items()}
    roots: list[Any] = [paths, [{"$ref": f"#/components/schemas/{name}"} for name in WEBHOOK_SCHEMAS]]
    schemas = spec["components"]["schemas"]
    names = sorted(_referenced(roots, schemas))
    return {
        "x-extract": source,
        "openapi": spec["openapi"],
        "info": {"title": spec["info"]["title"], "version": spec["info"]["version"]},
        "paths": _facts(paths),
        "components": {"schemas": _facts({name: schemas[name] for name in names}, named=True)},
    }


def _referenced(roots: list[Any], schemas: dict[str, Any]) -> set[str]:
    """Every schema name reachable by `$ref` from `roots`."""
    found: set[str] = set()
    pending = list(roots)
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _facts(node: Any, named: bool = False) -> Any:
    if isinstance(node, list):
        return [_facts(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _facts(value, named=key in NAMED and not named)
        for key, value in node.items()
        if named or not (key in PROSE or PROSE_PATTERN.match(key))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec", type=Path, help=f"a copy of {SPEC_PATH} from {REPOSITORY}")
    parser.add_argument("--commit", required=True, help="the commit of pachca/openapi the copy comes from")
    parser.add_argument("--date", required=True, help="that commit's date")
    parser.add_argument("--output", type=Path, default=EXTRACT)
    args = parser.parse_args(argv)
    spec = yaml.safe_load(args.spec.read_text(encoding="utf-8"))
    source = {
        "source": f"{REPOSITORY}/blob/{args.commit}/{SPEC_PATH}",
        "commit": args.commit,
        "date": args.date,
        "spec_version": str(spec["info"]["version"]),
        "licence": "MIT, Copyright (c) 2025 Pachca: see pachca-openapi.LICENSE beside this file",
        "generated_by": "tests/contracts/extract_pachca_schemas.py",
    }
    text = json.dumps(extract(spec, source), ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
