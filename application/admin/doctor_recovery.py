"""`doctor`'s recovery checks: whether Pachca's event history can be read and events arrive there (the recovery
after an outage, and poll mode, depend on it), and the last pass of each kind (when, what it carried)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.admin.checks import CheckResult, fail, failed, ok, warn
from application.once.passes import HISTORY_MARK, PASS_KINDS, SILENT_SECONDS, WEBHOOK_MARK, PassLog
from domain.instants import iso_utc
from ports.event_history import EventHistory

TURN_ON = "turn on «Сохранять историю событий» in the bot's «Исходящий webhook» tab"
SCOPE = "give the bot's token the scopes webhooks:events:read and webhooks:events:delete"


@dataclass(frozen=True)
class RecoveryChecks:
    """Reads only. In poll mode an unreadable or silent history is a failure (nothing else brings events); with
    webhooks it is a warning (only the recovery after an outage is lost)."""

    history: EventHistory
    passes: Callable[[], PassLog | None]  # None: no store yet
    polling: bool
    reconcile_minutes: int

    def history_check(self) -> CheckResult:
        passes = self.passes()
        check = "pachca event history"
        try:
            page = self.history.read(1)
        except Exception as e:
            result = failed(check, e, f"{SCOPE}, and {TURN_ON}", "Pachca")
            return result if self.polling else warn(check, result.detail, result.fix)
        webhook = passes.marked(WEBHOOK_MARK) if passes else None
        seen = passes.marked(HISTORY_MARK) if passes else None
        if webhook is not None and not page.events and (seen is None or webhook - seen > SILENT_SECONDS):
            problem = "Pachca webhooks arrive, but no event ever reaches the history: it is off"
            return fail(check, problem, f"{TURN_ON}; until then what is missed during an outage is lost")
        if page.events or seen is not None:
            last = f"last event seen {iso_utc(seen)}" if seen is not None else "events are waiting"
            return ok(check, f"readable, events arrive ({last})")
        problem = "readable, but no event has arrived yet: with the history off none ever will"
        return warn(check, problem, f"{TURN_ON}, then write to the bot and run doctor again")

    def last_passes(self) -> list[CheckResult]:
        passes = self.passes()
        results = []
        for kind in PASS_KINDS:
            check = f"last {kind} pass"
            if kind == "tracker" and self.reconcile_minutes <= 0:
                results.append(ok(check, "off (RECONCILE_MINUTES=0)"))
                continue
            record = passes.last(kind) if passes else None
            if record is None:
                results.append(ok(check, "none yet"))
            elif record.error:
                results.append(warn(check, f"{iso_utc(record.at)}: {record.error}", "see the lines above"))
            else:
                results.append(ok(check, f"{iso_utc(record.at)}: looked at {record.seen}, carried {record.carried}"))
        return results
