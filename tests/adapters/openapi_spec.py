"""Checks request and response bodies against Pachca's official OpenAPI spec, as extracted into this repository
(`tests/contracts/pachca-openapi.extract.json`: the schemas of the endpoints the bridge uses, with their origin).

Request bodies are checked strictly: a key the spec does not declare is an error, since Pachca would silently ignore
it. Response bodies are checked as the spec states them (unknown keys allowed), so fixtures stay realistic.

One reading fix: the spec writes a nullable reference as `{allOf: [$ref], nullable: true}`, which OAS 3.0 validators
read as "not nullable" (the referenced schema refuses null). Such schemas are rewritten as `null` or the reference.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.contracts.extract_pachca_schemas import EXTRACT

SPEC_URI = "urn:pachca-openapi"
STRICT_SPEC_URI = "urn:pachca-openapi-strict"


def assert_request_valid(method: str, path_template: str, body: Any) -> None:
    operation = _operation(method, path_template)
    pointer = f"{_operation_pointer(method, path_template)}/requestBody/content/application~1json/schema"
    if "requestBody" not in operation:
        pytest.fail(f"{method} {path_template} takes no request body in the spec, but one was sent: {body!r}")
    _assert_valid(f"{STRICT_SPEC_URI}#{pointer}", body, f"request body of {method} {path_template}")


def assert_response_valid(method: str, path_template: str, status: int, body: Any) -> None:
    responses = _operation(method, path_template)["responses"]
    if str(status) not in responses:
        pytest.fail(f"{method} {path_template} has no {status} response in the spec (it has {sorted(responses)})")
    if "content" not in responses[str(status)]:
        assert body in (None, b"", ""), f"{method} {path_template} {status} has no body in the spec, got {body!r}"
        return
    pointer = f"{_operation_pointer(method, path_template)}/responses/{status}/content/application~1json/schema"
    _assert_valid(f"{SPEC_URI}#{pointer}", body, f"{status} response of {method} {path_template}")


def _assert_valid(ref: str, instance: Any, what: str) -> None:
    validator = OAS30Validator({"$ref": ref}, registry=_registry(), format_checker=oas30_format_checker)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
        pytest.fail(f"{what} does not match the Pachca OpenAPI spec:\n" + "\n".join(lines), pytrace=False)


def _operation(method: str, path_template: str) -> dict[str, Any]:
    operation = _spec()["paths"].get(path_template, {}).get(method.lower())
    if operation is None:
        pytest.fail(
            f"the extract of the Pachca OpenAPI spec has no operation {method} {path_template}: add it to "
            "OPERATIONS in tests/contracts/extract_pachca_schemas.py and run that script",
            pytrace=False,
        )
    return operation  # type: ignore[no-any-return]


def _operation_pointer(method: str, path_template: str) -> str:
    escaped = path_template.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/{method.lower()}"


@functools.cache
def _spec() -> dict[str, Any]:
    return json.loads(EXTRACT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def _registry() -> Registry[Any]:
    spec = _rewrite(_spec(), _nullable_references)
    return Registry().with_resources(
        [
            (SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT4)),
            (STRICT_SPEC_URI, Resource.from_contents(_rewrite(spec, _closed), default_specification=DRAFT4)),
        ]
    )


def _rewrite(node: Any, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    """A copy of the document with `change` applied to every mapping, innermost first."""
    if isinstance(node, dict):
        return change({key: _rewrite(value, change) for key, value in node.items()})
    if isinstance(node, list):
        return [_rewrite(item, change) for item in node]
    return node


def _nullable_references(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("nullable") is True and "allOf" in schema:
        rest = {key: value for key, value in schema.items() if key != "nullable"}
        return {"anyOf": [{"enum": [None]}, rest]}
    return schema


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """Every object schema that lists its properties forbids any other key."""
    if isinstance(schema.get("properties"), dict) and "additionalProperties" not in schema:
        return schema | {"additionalProperties": False}
    return schema


def assert_form_valid(method: str, path_template: str, fields: dict[str, Any]) -> None:
    """A multipart/form-data body (its fields by name, a file part as its text) against the operation's schema."""
    _operation(method, path_template)
    pointer = f"{_operation_pointer(method, path_template)}/requestBody/content/multipart~1form-data/schema"
    _assert_valid(f"{STRICT_SPEC_URI}#{pointer}", fields, f"form body of {method} {path_template}")
