"""Instants as people and logs read them: ISO 8601 in UTC, never bare epoch seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(epoch_seconds: float, timespec: str = "milliseconds") -> str:
    """`2026-11-30T15:32:47.123Z` for a Unix time."""
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec=timespec).replace("+00:00", "Z")
