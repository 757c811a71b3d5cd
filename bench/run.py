"""`make bench`: prints one markdown table of every figure (see `bench/__init__.py`), and writes it to
`bench/results.md`. Every part takes its counts as parameters, so a smoke test can run them small."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/run.py` from anywhere

from bench.burst import measure_burst
from bench.bytecode import measure_bytecode
from bench.cold_start import measure_cold_share, measure_cold_start
from bench.files_memory import measure_file_memory
from bench.flow_length import measure_flows
from bench.hostile_report import Hostile
from bench.hostile_text import measure_long_texts, measure_mention_crowds
from bench.per_event import measure_calls, measure_event_costs
from bench.recovery import measure_recovery
from bench.report import Results, render
from bench.shared_burst import measure_shared_burst, measure_slot_cost, postgres_url
from bench.siege import measure_siege
from bench.store_report import StoreResults
from bench.store_size import measure_store_size
from entrypoints.sandbox.simulators.world import World

RESULTS = Path(__file__).resolve().parent / "results.md"


@dataclass(frozen=True)
class Counts:
    cold_runs: int = 10
    cold_warmup: int = 1
    events: int = 2000
    warmup: int = 100
    sqlite_events: int = 500
    burst_messages: int = 200
    burst_chats: int = 5
    clients: int = 16
    store_events: int = 10_000
    slot_reservations: int = 2000
    shared_messages: int = 200
    file_mb: int = 40
    long_chars: int = 100_000
    long_runs: int = 5
    crowd: int = 300
    slow: int = 200
    hold: float = 20.0
    uploads: int = 3
    upload_mb: int = 300
    alone: float = 5.0
    outage_messages: int = 200
    outage_comments: int = 50
    poll_samples: int = 12
    idle: float = 60.0


SMOKE = Counts(
    1,
    0,
    events=20,
    warmup=5,
    sqlite_events=5,
    burst_messages=8,
    burst_chats=2,
    clients=4,
    store_events=40,
    slot_reservations=20,
    shared_messages=8,
    file_mb=2,
    long_chars=2000,
    long_runs=1,
    crowd=30,
    slow=5,
    hold=0.5,
    uploads=1,
    upload_mb=4,
    alone=0.5,
    outage_messages=6,
    outage_comments=3,
    poll_samples=1,
    idle=1.0,
)


def run_all(counts: Counts = Counts(), progress: bool = False) -> Results:
    def step(name: str) -> None:
        if progress:
            print(f"[bench] {name} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)

    step(f"cold start: {counts.cold_runs} runs each of the floor, the bridge and the bridge as packaged")
    with World().served() as apis:
        cold = measure_cold_start(apis, runs=counts.cold_runs, warmup=counts.cold_warmup)
        share = measure_cold_share(apis)
        step("cold start of the archive on Python 3.12, with and without its bytecode")
        bytecode = measure_bytecode(apis, runs=counts.cold_runs, warmup=counts.cold_warmup)
        step("flow length: a warm ticket and a warm Tracker comment traced through index.handler")
        flows = measure_flows(apis)
    step(f"CPU per event: {counts.events} events of each kind, without and with logs")
    costs = measure_event_costs(counts.events, counts.warmup)
    step(f"wall per event on SQLite: {counts.sqlite_events} events of each kind")
    sqlite = measure_event_costs(counts.sqlite_events, counts.warmup // 5, "sqlite", with_logs=False)
    calls = measure_calls()
    size = (counts.burst_messages, counts.burst_chats, counts.clients)
    step(f"burst: {counts.burst_messages} messages, thread writes counted against the root chat")
    main_burst = measure_burst(*size)
    step("burst: thread writes counted against the thread's own chat")
    own_chat = measure_burst(*size, thread_counts_as="thread")
    others = [("if a thread write counts against the thread's own chat", own_chat)]
    step(f"memory: carrying a {counts.file_mb} MB file each way")
    files = measure_file_memory(counts.file_mb * 1024 * 1024)
    store = _store(counts, step)
    hostile = _hostile(counts, step)
    step(
        f"recovery: an outage of {counts.outage_messages} messages and {counts.outage_comments} comments; poll mode's "
        f"delays ({counts.poll_samples} each way) and an idle {counts.idle:.0f} s"
    )
    recovery = measure_recovery(counts.outage_messages, counts.outage_comments, counts.poll_samples, counts.idle)
    return Results(
        cold,
        costs,
        calls,
        sqlite,
        main_burst,
        others,
        files,
        store,
        bytecode,
        hostile,
        flows=flows,
        recovery=recovery,
        share=share,
    )


def _hostile(counts: Counts, step: Callable[[str], None]) -> Hostile:
    step(f"hostile text: {counts.long_chars:,}-character texts on every path, {counts.crowd} mentions in one text")
    long, crowds = measure_long_texts(counts.long_chars, counts.long_runs), measure_mention_crowds(counts.crowd)
    step(f"serve under siege: {counts.slow} slow connections for {counts.hold:.0f} s, {counts.uploads} uploads")
    return Hostile(
        long, crowds, measure_siege(counts.slow, counts.hold, counts.uploads, counts.upload_mb, counts.alone)
    )


def _store(counts: Counts, step: Callable[[str], None]) -> StoreResults:
    step(f"store size: {counts.store_events} events without purge, with purge at 30 and at 1 day")
    sizes = measure_store_size(counts.store_events)
    step(f"shared write limit: {counts.slot_reservations} reservations per store")
    url = postgres_url()
    slots = measure_slot_cost(url, counts.slot_reservations)
    step(f"three serve processes on one PostgreSQL: {counts.shared_messages} messages into one chat")
    shared = measure_shared_burst(url, counts.shared_messages) if url else None
    return StoreResults(sizes, slots, shared)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny counts: checks the bench runs, measures nothing")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table = render(run_all(SMOKE if args.smoke else Counts(), progress=True))
    print(table)
    args.output.write_text(table, encoding="utf-8")
    print(f"[bench] written to {args.output} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
