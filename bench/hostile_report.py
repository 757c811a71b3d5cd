"""The hostile-input rows of the bench table: measure, result, goal, verdict."""

from __future__ import annotations

from dataclasses import dataclass

from bench.hostile_text import LONG_GOAL_MS, LongText, MentionCrowd
from bench.siege import NORMAL_RATE, RATE_GOAL, Siege
from domain.text.pachca_text import PACHCA_TEXT_LIMIT

MAX_MENTIONS = 20  # the default of MAX_MENTIONS
MET, MISSED, INFO = "met", "**MISSED**", "—"

Line = tuple[str, str, str, str]
HOSTILE_NOTE = (
    "- Hostile input (`bench/hostile_text.py`, `bench/siege.py`): comments of several shapes built to make a "
    "backtracking scan quadratic; the siege sends signed webhooks at a steady rate, each on a new connection, from "
    "the benchmark's process to `serve`'s waitress (the same limits as `servicedesk-bot serve`), while a separate "
    "process holds the slow connections (opening a new one for each the server closes) or attempts the uploads; "
    "the rate without an attack is the mean of a window before and one after the attacks.\n"
    "- Before issue 9 (main at 06bd74f, the same measures): a 100,000-character comment took 20 ms as prose, "
    "33.8 s as one word, 19.2 s as dotted words, 25.3 s as open brackets, 1.03 s as mentions among links and code, "
    "and was posted whole (100,043 characters); 300 mentions looked up 300 people each way (600 calls); with 200 "
    "slow connections held `serve` answered none of the webhooks (each timed out after 10 s), and each 300 MB upload "
    "was taken whole (300 MiB buffered) before its 413.\n"
    "- Before issue 17 (main at 711dca9): 100,000 newlines in a Tracker comment took 172 ms of CPU (the red team's "
    "figure; 80 ms on this machine), a 100,000-character `@a-a-…` handle killed the event with a 414 from the "
    "lookups; only Tracker comments were measured."
)


@dataclass(frozen=True)
class Hostile:
    long_texts: list[LongText]
    crowds: list[MentionCrowd]
    siege: Siege


def hostile_rows(hostile: Hostile) -> list[Line]:
    return [
        *_long_rows(hostile.long_texts),
        *(_crowd_row(crowd) for crowd in hostile.crowds),
        *_siege_rows(hostile.siege),
    ]


def _verdict(ok: bool) -> str:
    return MET if ok else MISSED


def _long_rows(long: list[LongText]) -> list[Line]:
    """One row per path a text takes: its slowest shape against the goal, every shape's figure beside it."""
    rows = []
    for path in dict.fromkeys(text.path for text in long):
        texts = [text for text in long if text.path == path]
        worst = max(texts, key=lambda t: t.cpu_ms)
        shapes = "; ".join(f"{t.shape} {t.cpu_ms:.1f} ms" for t in texts)
        posted = max(t.posted_chars for t in texts)
        shown = f"; posted at most {posted:,} characters" if posted else ""
        goal = f"< {LONG_GOAL_MS:.0f} ms" + (f"; posted ≤ {PACHCA_TEXT_LIMIT:,}" if posted else "")
        rows.append(
            (
                f"A {worst.chars:,}-character text, {path}: CPU from webhook to write (median of the runs)",
                f"slowest shape **{worst.cpu_ms:.1f} ms** ({shapes}){shown}",
                goal,
                _verdict(worst.cpu_ms < LONG_GOAL_MS and posted <= PACHCA_TEXT_LIMIT),
            )
        )
    return rows


def _crowd_row(crowd: MentionCrowd) -> Line:
    calls = ", ".join(f"{name}×{n}" for name, n in sorted(crowd.calls.items()))
    return (
        f"{crowd.mentions} distinct mentions in one text: {crowd.direction}",
        f"**{crowd.people_looked_up} people looked up** (calls: {calls})",
        f"≤ MAX_MENTIONS ({MAX_MENTIONS})",
        _verdict(crowd.people_looked_up <= MAX_MENTIONS),
    )


def _siege_rows(siege: Siege) -> list[Line]:
    alone = ", ".join(f"{w.rate:.0f}/s" for w in siege.windows if w not in siege.attacked)
    return [
        (
            f"`serve` answering signed webhooks sent at {NORMAL_RATE:.0f}/s while {w.name}",
            f"**{siege.ratio(w):.2f}×** the rate answered without an attack ({w.rate:.0f}/s vs {alone}); "
            f"failed {w.failed}, p99 {w.p99_ms:.0f} ms, slowest {w.slowest_ms:.0f} ms; {w.note}",
            f"≥ {RATE_GOAL}× that rate, none failed",
            _verdict(siege.ratio(w) >= RATE_GOAL and w.failed == 0),
        )
        for w in siege.attacked
    ]
