"""One markdown table of every measure against its goal, and the notes that define them."""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass, field

from bench.burst import Burst
from bench.bytecode import BytecodeColdStart
from bench.cold_start import FLOOR_IMPORTS, NOT_PACKAGED, ColdShare, ColdStart
from bench.files_memory import FileMemory
from bench.flow_length import Flow
from bench.hostile_report import HOSTILE_NOTE, Hostile, hostile_rows
from bench.per_event import Calls, Cost
from bench.recovery import RECOVERY_NOTE, RecoveryResults, recovery_rows
from bench.store_report import StoreResults, store_notes, store_rows
from entrypoints.sandbox.simulators.pachca.ratelimit import WINDOW_SECONDS, WRITES_PER_WINDOW

COLD_START_GOAL = 1.3
FLOW_MODULES_GOAL = 20
P50_GOAL_US = 1000.0
# a ticket and a reply also read the message: a webhook does not say whether it has files
WARM_CALLS_GOAL = {"ticket from message": 4, "thread reply": 2, "Tracker comment": 2, "duplicate": 0}
BURST_RATIO_GOAL = 1.2
BURST_429_GOAL = 5  # fewer than this
FILE_RSS_GOAL_MB = 16  # peak RSS growth while carrying one large file, under this

MET, MISSED, INFO = "met", "**MISSED**", "—"


@dataclass(frozen=True)
class Row:
    measure: str
    result: str
    goal: str
    verdict: str


@dataclass
class Results:
    cold: ColdStart
    costs: list[Cost]
    calls: list[Calls]
    sqlite: list[Cost]  # every kind on a SQLite file, the function's default store, for information
    burst: Burst  # the bridge as built, against the stricter reading of Pachca's limit
    bursts: list[tuple[str, Burst]] = field(default_factory=list)  # other readings of the limit, for information
    files: FileMemory | None = None
    store: StoreResults | None = None
    bytecode: BytecodeColdStart | None = None  # the archive on Python 3.12; None when none is installed
    hostile: Hostile | None = None  # hostile input
    flows: list[Flow] = field(default_factory=list)  # the project's modules one warm invocation enters
    share: ColdShare | None = None  # what the bridge's own cold start is made of
    recovery: RecoveryResults | None = None  # recovery after an outage and poll mode


def rows(results: Results) -> list[Row]:
    return [
        *_cold_rows(results.cold),
        *([_share_row(results.share)] if results.share else []),
        *(_flow_row(flow) for flow in results.flows),
        _bytecode_row(results.bytecode),
        *(_cost_row(cost) for cost in results.costs),
        _sqlite_row(results.sqlite),
        *(_calls_row(calls) for calls in results.calls),
        *_burst_rows(results.burst),
        *(_other_burst_row(label, burst) for label, burst in results.bursts),
        *([_files_row(results.files)] if results.files else []),
        *(Row(*row) for row in (store_rows(results.store) if results.store else [])),
        *(Row(*line) for line in (hostile_rows(results.hostile) if results.hostile else [])),
        *(Row(*line) for line in (recovery_rows(results.recovery) if results.recovery else [])),
    ]


def _files_row(memory: FileMemory) -> Row:
    mib = 1024 * 1024
    each = ", ".join(f"{d.replace('_to_', ' → ').title()} {g / mib:.1f} MB" for d, g in memory.growth.items())
    return Row(
        f"Memory: carrying a {memory.size / mib:.0f} MB file (download, then upload, real adapters over loopback)",
        f"peak RSS growth **{memory.worst / mib:.1f} MB** ({each}; baseline {memory.baseline / mib:.0f} MB); "
        f"the most Python held at once while carrying: {max(memory.heap.values()) / mib:.2f} MB",
        f"< {FILE_RSS_GOAL_MB} MB",
        _verdict(memory.worst < FILE_RSS_GOAL_MB * mib and memory.received >= 2 * len(memory.growth) * memory.size),
    )


def _flow_row(flow: Flow) -> Row:
    return Row(
        f"Flow length: a {flow.name} through `index.handler` (project modules entered, `sys.setprofile`)",
        f"**{flow.count} modules**, {flow.switches} switches between them (answered `{flow.outcome}`): "
        + ", ".join(f"`{m}`" for m in flow.modules),
        f"≤ {FLOW_MODULES_GOAL}",
        _verdict(flow.count <= FLOW_MODULES_GOAL),
    )


def _verdict(ok: bool) -> str:
    return MET if ok else MISSED


def _cold_rows(cold: ColdStart) -> list[Row]:
    ms = 1000
    answered = "" if cold.all_answered else "; **not every run answered 200**"

    def phases(runs: str, null: str) -> str:
        startup, imports, first = (cold.phase(name, runs) * ms for name in ("startup", "imports", "first_answer"))
        return (
            f"interpreter {startup:.0f} ms, imports {imports:.0f} ms (the null product's "
            f"{cold.phase('imports', null) * ms:.0f} ms), first webhook {first:.0f} ms "
            f"(the null product's {cold.phase('first_answer', null) * ms:.0f} ms)"
        )

    def result(runs: str, null: str, ratio: float) -> str:
        return (
            f"{cold.seconds(runs) * ms:.0f} ms vs the null product {cold.seconds(null) * ms:.0f} ms = "
            f"**{ratio:.2f}×** (median of {len(getattr(cold, runs))}; {phases(runs, null)}); "
            f"{cold.floor_ratio(runs):.2f}× the old floor ({cold.seconds('floor') * ms:.0f} ms: `{FLOOR_IMPORTS}`)"
            f"{answered}"
        )

    loaded = f"{', '.join(cold.loaded()) or 'none'} (as packaged: {', '.join(cold.loaded('packaged')) or 'none'})"
    return [
        Row(
            "Cold start to first answered webhook (`index.handler`, SQLite, fake APIs over HTTP)",
            result("bridge", "null", cold.ratio),
            f"≤ {COLD_START_GOAL}× the null product",
            _verdict(cold.ratio <= COLD_START_GOAL and cold.all_answered),
        ),
        Row(
            "Cold start as packaged (" + " and ".join(NOT_PACKAGED) + " not installed)",
            result("packaged", "null_packaged", cold.packaged_ratio),
            f"≤ {COLD_START_GOAL}× the null product",
            _verdict(cold.packaged_ratio <= COLD_START_GOAL and cold.all_answered),
        ),
        Row(
            "Optional modules imported by the cold start",
            f"psycopg imported: **{'yes' if cold.psycopg_imported else 'no'}** (loaded of {{psycopg, yaml, werkzeug}}: "
            f"{loaded})",
            "psycopg not imported unless PostgreSQL is configured",
            _verdict(not cold.psycopg_imported),
        ),
    ]


def _share_row(share: ColdShare) -> Row:
    def part(what: str, spent: tuple[int, float]) -> str:
        return f"{spent[0]} {what} {spent[1] * 1000:.0f} ms"

    return Row(
        "Cold start: what the bridge's own share is made of (one instrumented run, as packaged)",
        f"`import index` {share.imports * 1000:.0f} ms (requests and pydantic loaded before) and the first webhook "
        f"{share.first_answer * 1000:.0f} ms; across both: "
        + "; ".join(
            (
                part("of the project's dataclasses built in", share.dataclasses),
                part("of its pydantic model classes built in", share.models),
                f"the first webhook's own imports (the composition's lazy paths, their classes included) "
                f"{share.first_imports[1] * 1000:.0f} ms",
                part("outbound calls to the fake APIs in", share.calls),
            )
        ),
        "information",
        "—",
    )


def _bytecode_row(bytecode: BytecodeColdStart | None) -> Row:
    measure = "Archive on Python 3.12 (python312): cold start with and without its bytecode"
    goal = "the shipped bytecode makes it faster"
    if bytecode is None:
        return Row(measure, "not measured: no Python 3.12 found", goal, MISSED)
    ms = 1000
    cpu_with, cpu_without = (statistics.median(c) * ms for c in (bytecode.with_cpu, bytecode.without_cpu))
    answered = "" if bytecode.all_answered else "; **not every run answered 200 created**"
    return Row(
        measure,
        f"CPU **{cpu_with:.0f} ms** with, {cpu_without:.0f} ms without ({bytecode.cpu_saved * ms:.0f} ms saved); "
        f"to the first answer {bytecode.with_seconds * ms:.0f} ms with, {bytecode.without_seconds * ms:.0f} ms "
        f"without (medians of {len(bytecode.with_bytecode)}; `-B`, requirements pip-installed beside it){answered}",
        goal,
        _verdict(bytecode.cpu_saved > 0 and bytecode.all_answered),
    )


def _cost_row(cost: Cost) -> Row:
    logged = ""
    if cost.logged_cpu_p50_us is not None:
        logged = f" (with INFO JSON logs: p50 {cost.logged_cpu_p50_us:.0f} µs, p99 {cost.logged_cpu_p99_us:.0f} µs)"
    return Row(
        f"CPU per event: {cost.kind}",
        f"p50 **{cost.cpu_p50_us:.0f} µs**, p99 {cost.cpu_p99_us:.0f} µs over {cost.events}{logged}",
        f"p50 ≤ {P50_GOAL_US / 1000:.0f} ms",
        _verdict(max(cost.cpu_p50_us, cost.logged_cpu_p50_us or 0.0) <= P50_GOAL_US),
    )


def _sqlite_row(costs: list[Cost]) -> Row:
    each = "; ".join(
        f"{c.kind} {c.wall_p50_us / 1000:.1f} / {c.wall_p99_us / 1000:.1f} ms (CPU p50 {c.cpu_p50_us / 1000:.1f})"
        for c in costs
    )
    events = costs[0].events if costs else 0
    return Row(
        "Wall per event on a SQLite file (the function's default store), p50 / p99",
        f"{each}; over {events} each",
        "information",
        INFO,
    )


def _calls_row(calls: Calls) -> Row:
    goal = WARM_CALLS_GOAL.get(calls.kind)
    warm = sum(calls.warm.values())
    return Row(
        f"Outbound calls: {calls.kind}",
        f"cold {Calls.describe(calls.cold)}; warm **{Calls.describe(calls.warm)}**",
        "—" if goal is None else f"warm ≤ {goal}",
        INFO if goal is None else _verdict(warm <= goal),
    )


def _burst_rows(burst: Burst) -> list[Row]:
    title = f"Burst: {burst.messages} messages from {burst.chats} chats, {burst.clients} clients, `serve`"
    return [
        Row(
            f"{title}: total time",
            f"{burst.seconds:.1f} s vs floor {burst.floor_seconds:.1f} s = **{burst.ratio:.2f}×**",
            f"≤ {BURST_RATIO_GOAL}× floor",
            _verdict(burst.ratio <= BURST_RATIO_GOAL),
        ),
        Row(f"{title}: 429s received", f"**{burst.rejected}**", f"< {BURST_429_GOAL}", _verdict(burst.rejected < 5)),
        Row(
            f"{title}: lost / duplicated",
            f"**{burst.lost} / {burst.duplicated}** ({_answers(burst)}; lost after draining the outbox: "
            f"{burst.lost_after_drain})",
            "0 / 0",
            _verdict(burst.lost == 0 and burst.duplicated == 0),
        ),
    ]


def _other_burst_row(label: str, burst: Burst) -> Row:
    ratio = (
        f"{burst.ratio:.2f}× floor {burst.floor_seconds:.2f} s"
        if burst.floor_seconds >= 1
        else "no chat near its limit"
    )
    return Row(
        f"Burst, {label}",
        f"{burst.seconds:.1f} s ({ratio}); 429s {burst.rejected}; lost/dup {burst.lost}/{burst.duplicated}",
        "information",
        INFO,
    )


def _answers(burst: Burst) -> str:
    return "answers " + ", ".join(f"{status}×{n}" for status, n in sorted(burst.answers.items()))


def render(results: Results) -> str:
    lines = ["| measure | result | goal | verdict |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.measure} | {r.result} | {r.goal} | {r.verdict} |" for r in rows(results)]
    return "\n".join([*lines, "", *notes(results)]) + "\n"


def notes(results: Results) -> list[str]:
    burst = results.burst
    warnings = ", ".join(f"{text} ×{n}" for text, n in burst.log_counts.most_common(4)) or "none"
    return [
        "Notes:",
        f"- Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}; other work on the "
        "machine shows in the numbers, most in the wall times. CPU per event is `time.process_time_ns` around "
        "`WebhookApp.handle` (HMAC, JSON, parsing, inbox, use case), each event fresh (the duplicate row repeats one "
        "delivered event), on the in-memory fakes and `MemoryState` (`bench/per_event.py`). Logging is off "
        "unless stated; the INFO figures use the real JSON formatter and secret scrubber, writing to /dev/null.",
        "- Cold start: wall time from spawning `python -c` until `index.handler` has answered a signed Pachca "
        "message webhook (a Cloud Functions HTTP event) with `200 created`; the interpreter's exit is not counted. "
        "The null product (`bench/null_function.py`) is a function that answers 200 and does nothing else, run by the "
        "same child with the same event; it imports the third-party libraries the bridge needs to answer: `requests`, "
        "pydantic's `BaseModel`, dependency-injector's containers and providers (which load `pydantic_settings` and "
        "`asyncio`, and PyYAML and Werkzeug where installed) and `pythonjsonlogger`. What the bridge takes beyond it "
        "is its own: its modules, its models, its container, a SQLite store and the calls to the fake APIs. The old "
        f"floor is a child that only runs `{FLOOR_IMPORTS}`, which loads neither pydantic's model machinery nor "
        "dependency-injector's providers (both packages are lazy).",
        "- Outbound calls: counted at the fakes; cold is the first event in a new bridge (empty store, `BOT_USER_ID` "
        "unset so the bot's id is looked up once), warm the second event of the same kind by the same people.",
        f"- Pachca fake's limit: at most {WRITES_PER_WINDOW} message writes (`POST /messages`, `PUT /messages/{{id}}`) "
        f"per chat in any sliding {WINDOW_SECONDS:.1f} s window; a write over it gets `429` with `Retry-After` = whole "
        "seconds until a slot frees (≥ 1) and is not counted. The main burst counts a write into a thread against "
        "the chat the thread hangs from (undocumented; the stricter reading). Floor = the busiest chat's writes / 4 s.",
        f"- Main burst's bridge warnings: {warnings}.",
        "- Memory: a child process carries the file through `HttpMessengerFiles` and `HttpTrackerFiles` (streamed to "
        "a temporary file in 64 KiB chunks, uploaded as a streamed multipart body) against loopback servers in the "
        "bench's own process; growth is `ru_maxrss` after the large file minus after a 100 KB warm-up file, once per "
        "direction (`bench/files_memory.py`). Reading the file whole instead shows as growth of the file's size.",
        *(store_notes() if results.store else []),
        *([HOSTILE_NOTE] if results.hostile else []),
        *([RECOVERY_NOTE] if results.recovery else []),
    ]
