"""`make bench`: prints one markdown table of cold start, per-event cost, calls per event and a burst, and writes it
to `bench/results.md`. Every part takes its counts as parameters, so a smoke test can run them small."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/run.py` from anywhere

from bench.burst import measure_burst
from bench.cold_start import measure_cold_start
from bench.fake_apis import FakeApis
from bench.hostile_report import Hostile
from bench.hostile_text import measure_long_comments, measure_mention_crowds
from bench.per_event import measure_calls, measure_event_costs
from bench.report import Results, render
from bench.siege import measure_siege

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
    long_chars: int = 100_000
    long_runs: int = 5
    crowd: int = 300
    slow: int = 200
    hold: float = 20.0
    uploads: int = 3
    upload_mb: int = 300
    alone: float = 5.0


SMOKE = Counts(
    1, 0, events=20, warmup=5, sqlite_events=5, burst_messages=8, burst_chats=2, clients=4, long_chars=2000,
    long_runs=1, crowd=30, slow=5, hold=0.5, uploads=1, upload_mb=4, alone=0.5,
)  # fmt: skip


def run_all(counts: Counts = Counts(), progress: bool = False) -> Results:
    def step(name: str) -> None:
        if progress:
            print(f"[bench] {name} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)

    step(f"cold start: {counts.cold_runs} runs each of the floor, the bridge and the bridge as packaged")
    with FakeApis() as apis:
        cold = measure_cold_start(apis, runs=counts.cold_runs, warmup=counts.cold_warmup)
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
    step(f"hostile text: a {counts.long_chars:,}-character comment, {counts.crowd} mentions in one text")
    long, crowds = measure_long_comments(counts.long_chars, counts.long_runs), measure_mention_crowds(counts.crowd)
    step(f"serve under siege: {counts.slow} slow connections for {counts.hold:.0f} s, {counts.uploads} uploads")
    siege = measure_siege(counts.slow, counts.hold, counts.uploads, counts.upload_mb, counts.alone)
    return Results(cold, costs, calls, sqlite, main_burst, others, Hostile(long, crowds, siege))


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
