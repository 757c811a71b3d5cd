"""`make bench` in miniature: every part runs with tiny counts and the table keeps every row, so the bench can't rot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bench.hostile_text import PATHS, SHAPES
from bench.per_event import KINDS
from bench.report import WARM_CALLS_GOAL, Results, render, rows
from bench.run import SMOKE, run_all


@pytest.fixture(scope="module")
def results() -> Results:
    return run_all(SMOKE)


def test_the_table_has_a_row_for_every_measure(results: Results) -> None:
    measures = [row.measure for row in rows(results)]

    kinds = [kind.name for kind in KINDS]
    assert [m for m in measures if m in {f"CPU per event: {k}" for k in kinds}] == [
        f"CPU per event: {k}" for k in kinds
    ]
    assert [m for m in measures if m.startswith("Outbound calls: ")] == [f"Outbound calls: {k}" for k in kinds]
    assert set(WARM_CALLS_GOAL) <= set(kinds)
    assert not any("as shipped" in m or "what-if" in m for m in measures)
    assert sum(m.startswith("Wall per event on a SQLite file") for m in measures) == 1
    assert sum(m.startswith("Cold start") for m in measures) == 3  # the bridge, as packaged, and its own share
    assert sum(m.startswith("Archive on Python 3.12") for m in measures) == 1
    assert sum(m.startswith("Optional modules") for m in measures) == 1
    assert sum(m.startswith("Burst: ") for m in measures) == 3
    assert [m for m in measures if m.startswith("Burst, ")] == [
        "Burst, if a thread write counts against the thread's own chat"
    ]
    assert sum(m.startswith("Store after") for m in measures) == 3
    assert sum(m.startswith("A month at") for m in measures) == 1
    assert sum(m.startswith("Three `serve` processes on one PostgreSQL") for m in measures) == 1
    assert sum(m.startswith("Shared write limit") for m in measures) == 1
    assert sum(m.startswith("Memory: carrying a 2 MB file") for m in measures) == 1
    assert sum(m.startswith("Recovery after an outage") for m in measures) == 1
    assert sum(m.startswith("Poll mode delay") for m in measures) == 2
    assert sum(m.startswith("Poll mode: API calls in an idle minute") for m in measures) == 1


def test_the_table_renders_as_markdown_with_a_verdict_per_row(results: Results) -> None:
    table = render(results)

    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert lines[0] == "| measure | result | goal | verdict |"
    assert len(lines) == 2 + len(rows(results))
    assert all(line.rstrip(" |").rsplit("|", 1)[-1].strip() in ("met", "**MISSED**", "—") for line in lines[2:])


def test_each_part_measured_what_it_claims(results: Results) -> None:
    assert results.cold.all_answered and not results.cold.psycopg_imported
    assert results.cold.loaded("packaged") == []
    share = results.share
    assert share is not None and share.dataclasses[0] > 0 and share.models[0] > 0  # the project's own classes
    assert share.calls[0] > 0 and 0 < share.calls[1] < share.first_answer  # the first webhook calls the fake APIs
    assert results.bytecode is not None and results.bytecode.all_answered  # CI has a Python 3.12
    for costs in (results.costs, results.sqlite):
        assert all(0 < cost.cpu_p50_us <= cost.cpu_p99_us for cost in costs)
    assert [c.kind for c in results.sqlite] == [k.name for k in KINDS]
    warm = {calls.kind: sum(calls.warm.values()) for calls in results.calls}
    assert warm["duplicate"] == 0 and warm["ticket from message"] > 0
    assert results.files is not None and set(results.files.growth) == {"pachca_to_tracker", "tracker_to_pachca"}
    assert results.files.received >= 4 * results.files.size and results.files.baseline > 0  # twice each way
    assert 0 < max(results.files.heap.values()) < results.files.size  # streamed, never held whole
    for burst in (results.burst, *(b for _, b in results.bursts)):
        assert burst.answers[200] == SMOKE.burst_messages
        assert (burst.lost, burst.duplicated) == (0, 0)


def test_the_hostile_input_rows_are_measured(results: Results) -> None:
    measures = [row.measure for row in rows(results)]
    assert results.hostile is not None
    assert sum("-character text, " in m for m in measures) == len(PATHS)  # one row per path a text takes
    assert {t.shape for t in results.hostile.long_texts} == set(SHAPES)
    assert sum("distinct mentions in one text" in m for m in measures) == 2
    assert sum(m.startswith("`serve` answering signed webhooks sent at") for m in measures) == 2
    assert all(crowd.people_looked_up <= 20 for crowd in results.hostile.crowds)
    assert all(w.answered > 0 and w.failed == 0 for w in results.hostile.siege.windows)


def test_the_bench_imports_no_test_module() -> None:
    """What the bench runs on (the in-memory fakes, serve's in-process server) lives in the product, beside the
    simulators: a test module may change for its tests' sake without moving a bench figure."""
    bench = Path(__file__).resolve().parents[2] / "bench"
    imported = {
        f"{path.name}: {name}"
        for path in bench.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if name == "tests" or name.startswith("tests.")
    }
    assert imported == set()
