"""The state store's rows of `make bench`: its size with and without purge, three instances sharing one write limit,
and what the shared limit costs per write."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.shared_burst import SharedBurst, SlotCost
from bench.store_size import EVENTS_PER_DAY, Kept

SHARED_RATIO_GOAL = 1.2
SHARED_429_GOAL = 2  # at most
MONTH_DAYS = 30
MiB = 1024 * 1024


@dataclass
class StoreResults:
    sizes: list[Kept]
    slots: list[SlotCost]
    shared: SharedBurst | None = None  # None without a PostgreSQL to run it on
    notes: list[str] = field(default_factory=list)


def store_rows(results: StoreResults) -> list[tuple[str, str, str, str]]:
    rows = [_size_row(kept) for kept in results.sizes]
    rows.append(_month_row(results.sizes))
    rows.append(_shared_row(results.shared))
    rows.append(
        (
            "Shared write limit: added cost per Pachca message write (median of one slot reservation)",
            "; ".join(f"{c.store} {c.microseconds:.0f} µs, {c.round_trips:g} round trips" for c in results.slots),
            "no extra round trip where avoidable",
            "—",
        )
    )
    return rows


def _size_row(kept: Kept) -> tuple[str, str, str, str]:
    return (
        f"Store after {kept.events:,} events (SQLite), {kept.label}",
        f"**{kept.bytes / MiB:.2f} MiB** in use (file {kept.file_bytes / MiB:.2f} MiB); {kept.rows:,} events kept "
        f"with {kept.payload_bytes / MiB:.2f} MiB of payloads",
        "information",
        "—",
    )


def _month_row(sizes: list[Kept]) -> tuple[str, str, str, str]:
    """A month at the bench's pace with the default retention: every event's key is still kept, payloads are not."""
    default = next((k for k in sizes if k.label.endswith("RETENTION_DAYS=30")), None)
    if default is None or not default.events:
        return ("A month at 3,000 events a day", "not measured", "information", "—")
    events = EVENTS_PER_DAY * MONTH_DAYS
    per_event = default.bytes / default.events
    before = next(k for k in sizes if k.label.startswith("without")).bytes / default.events
    return (
        f"A month at {EVENTS_PER_DAY:,} events a day ({events:,} events), RETENTION_DAYS=30",
        f"**≈ {per_event * events / MiB:.0f} MiB** ({per_event:.0f} bytes per event: key, outcome, write records, "
        f"links); from then on only the links (one per ticket) still grow, the rest is purged as fast as it comes; "
        f"without purge ≈ {before * events / MiB:.0f} MiB after a month and growing by as much every month",
        "information",
        "—",
    )


def _shared_row(shared: SharedBurst | None) -> tuple[str, str, str, str]:
    title = "Three `serve` processes on one PostgreSQL, a burst into one chat"
    if shared is None:
        return (title, "not measured: set TEST_POSTGRES_URL or BENCH_POSTGRES_URL", "—", "**MISSED**")
    met = shared.ratio <= SHARED_RATIO_GOAL and shared.rejected <= SHARED_429_GOAL and not shared.lost
    return (
        f"{title}: {shared.messages} messages, {shared.instances} instances",
        f"{shared.seconds:.1f} s vs floor {shared.floor_seconds:.1f} s = **{shared.ratio:.2f}×**; 429s "
        f"**{shared.rejected}**; lost/dup {shared.lost}/{shared.duplicated}",
        f"≤ {SHARED_RATIO_GOAL}× floor, 0 to {SHARED_429_GOAL} 429s",
        "met" if met and not shared.duplicated else "**MISSED**",
    )


def store_notes() -> list[str]:
    return [
        f"- Store size: the real use cases on in-memory fakes and a SQLite file, {EVENTS_PER_DAY:,} events a day on a "
        "fake clock, in conversations of four (a message opening a ticket, two replies, a Tracker comment), texts of "
        "about 0.6 KB, a drain pass every 100 events. «Without purge» is the store as it was: finished events keep "
        "their payload and nothing is deleted. «In use» = (pages − free pages) × page size. Tickets (the links "
        "between a message and its issue) are never purged: a thread can get a reply months later.",
        "- Three instances: `servicedesk-bot serve` processes on one PostgreSQL schema, clients spread evenly over "
        "them, every message into one chat, so every card counts against one chat's limit. Floor = that chat's "
        "writes / 4 s. Limiter cost: median wall time of `reserve` (memory, SQLite, PostgreSQL on this machine "
        "over TCP on loopback) against the in-process limiter it replaced; round trips counted at the connection.",
    ]
