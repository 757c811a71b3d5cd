"""`doctor`'s state store checks: it answers, what it keeps, and the dead events (given up, or refused)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from application.admin.checks import CheckResult, fail, ok, problem, warn
from application.events import BodyRefused
from application.once.inbox import REFUSED
from ports.admin import StateProbe, StoreNotCreated
from ports.state.outbox import StoredEvent

DEAD_TO_LIST = 5
DEAD_TO_SCAN = 200  # dead events read to tell the refused ones apart


@dataclass(frozen=True)
class StateChecks:
    open_state: Callable[[], StateProbe]
    state_url_variable: str

    def execute(self) -> list[CheckResult]:
        try:
            store = self.open_state()
            store.ping()
            stats = store.stats()
        except StoreNotCreated as e:
            return [_not_created(e, self.state_url_variable)]
        except Exception as e:
            fix = f"check {self.state_url_variable} and that its database is reachable"
            return [fail("state store", problem(e), fix)]
        results = [ok("state store", f"answers; outbox: {stats.pending} pending, {stats.dead} dead"), _size(store)]
        if not stats.dead:
            return [*results, ok("dead events", "none")]
        return [*results, *_dead_events(store, stats.dead)]


def _not_created(absent: StoreNotCreated, variable: str) -> CheckResult:
    """Before the first event nothing was stored, so there is no store yet: fine where it can be created."""
    if absent.writable:
        return ok("state store", f"not created yet: it is created on first use at {absent.where} (writable)")
    return fail(
        "state store",
        f"not created yet, and it cannot be created at {absent.where}: its directory is missing or not writable",
        f"check {variable}, or create the directory and make it writable",
    )


def _dead_events(store: StateProbe, count: int) -> list[CheckResult]:
    """Events given up after retries, and apart from them events refused (kept dead, with the reason)."""
    try:
        dead = store.dead(DEAD_TO_SCAN)
    except Exception as e:
        return [fail("dead events", problem(e), "check that the state store is reachable")]
    refused = [event for event in dead if (event.last_error or "").startswith(f"{REFUSED}: ")]
    given_up = [event for event in dead if event not in refused]
    results = []
    if given_up or count > len(dead):
        results.append(
            warn(
                "dead events",
                f"{count - len(refused)} events were given up after retries: {_listed(given_up)}",
                "fix the cause shown; dead events are kept but never retried",
            )
        )
    unreadable = [event for event in refused if event.kind == BodyRefused.kind]
    refused = [event for event in refused if event not in unreadable]
    if refused:
        reasons = "; ".join(_reason(e) for e in refused[:DEAD_TO_LIST])
        results.append(
            warn(
                "refused events",
                f"{len(refused)} events refused: the bridge posts only where it opened the conversation: {reasons}",
                "an issue's Pachca link fields were typed or edited by hand; open such tickets from Pachca",
            )
        )
    if unreadable:
        reasons = "; ".join(_reason(e) for e in unreadable[:DEAD_TO_LIST])
        results.append(
            warn(
                "unreadable bodies",
                f"{len(unreadable)} authenticated webhook bodies could not be read (answered 200, kept): {reasons}",
                "nothing to do unless they keep coming: then a sender (or a hand-made trigger) sends what the bridge "
                "does not read",
            )
        )
    return results


def _reason(event: StoredEvent) -> str:
    return (event.last_error or "").removeprefix(f"{REFUSED}: ")


def _listed(events: list[StoredEvent]) -> str:
    return "; ".join(
        f"{event.key} ({event.kind}, {event.attempts} attempts: {event.last_error or 'no error recorded'})"
        for event in events[:DEAD_TO_LIST]
    )


def _size(store: StateProbe) -> CheckResult:
    try:
        kept = store.footprint()
    except Exception as e:
        return fail("store size", problem(e), "check that the state store is reachable")
    oldest = "none" if kept.oldest is None else datetime.fromtimestamp(kept.oldest, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ok(
        "store size",
        f"{kept.bytes / 1024:.0f} KiB; {kept.events} events ({kept.payload_bytes / 1024:.0f} KiB of payloads), "
        f"the oldest first seen {oldest}",
    )
