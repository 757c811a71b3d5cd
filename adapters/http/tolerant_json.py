"""Tolerant Reader for JSON a service stores and answers with additions of its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def contains(actual: Any, wanted: Any) -> bool:
    """`actual` holds everything `wanted` does (Tolerant Reader: keys Tracker adds are ignored)."""
    if isinstance(wanted, Mapping):
        return isinstance(actual, Mapping) and all(
            contains(_get_folded(actual, key), value) for key, value in wanted.items()
        )
    if isinstance(wanted, list | tuple):
        return (
            isinstance(actual, list | tuple)
            and len(actual) == len(wanted)
            and all(contains(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    if isinstance(wanted, str) and isinstance(actual, Mapping):  # a user named by login, stored as an object
        return wanted in {str(value) for value in actual.values() if isinstance(value, str | int)}
    return bool(actual == wanted)


def _get_folded(mapping: Mapping[str, Any], key: str) -> Any:
    """Header names and the like are case-insensitive."""
    if key in mapping:
        return mapping[key]
    return next((value for name, value in mapping.items() if name.casefold() == key.casefold()), None)
