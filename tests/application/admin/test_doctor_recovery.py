"""`doctor`'s recovery lines: whether the event history can be read and events arrive there, and the last passes."""

from __future__ import annotations

from adapters.state.memory import MemoryState
from application.admin.checks import Status
from application.admin.doctor_recovery import RecoveryChecks
from application.once.passes import HISTORY, HISTORY_MARK, WEBHOOK_MARK, PassLog, PassRecord
from entrypoints.sandbox.in_memory import FakeClock, FakeEventHistory
from ports.errors import PermanentFailure


def checks(history: FakeEventHistory, passes: PassLog | None, polling: bool = False) -> RecoveryChecks:
    return RecoveryChecks(history, lambda: passes, polling, reconcile_minutes=60)


def passes() -> PassLog:
    return PassLog(MemoryState(), FakeClock())


def test_webhooks_arriving_while_the_history_stays_empty_fail_with_the_setting_to_turn_on() -> None:
    log = passes()
    log.mark(WEBHOOK_MARK, log.clock.now() - 60)

    result = checks(FakeEventHistory(), log).history_check()

    assert result.status is Status.FAIL
    assert "no event ever reaches the history" in result.detail
    assert "Сохранять историю событий" in result.fix


def test_events_seen_in_the_history_are_ok() -> None:
    log = passes()
    log.mark(HISTORY_MARK, log.clock.now() - 30)
    log.mark(WEBHOOK_MARK, log.clock.now() - 10)

    result = checks(FakeEventHistory(), log).history_check()

    assert result.status is Status.OK and "events arrive" in result.detail


def test_an_unreadable_history_fails_in_poll_mode_and_warns_with_webhooks() -> None:
    history = FakeEventHistory()
    history.faults.add("read", PermanentFailure("pachca: 403 on GET /webhooks/events", 403))
    history.faults.add("read", PermanentFailure("pachca: 403 on GET /webhooks/events", 403))

    polling = checks(history, passes(), polling=True).history_check()
    webhooks = checks(history, passes()).history_check()

    assert (polling.status, webhooks.status) == (Status.FAIL, Status.WARN)
    assert "webhooks:events:read" in polling.fix


def test_the_last_pass_of_each_kind_says_when_and_what_it_carried() -> None:
    log = passes()
    log.record(HISTORY, PassRecord(log.clock.now(), seen=3, carried=2))

    lines = [(r.check, r.detail) for r in checks(FakeEventHistory(), log).last_passes()]

    assert lines == [
        ("last history pass", "2027-01-15T08:00:00.000Z: looked at 3, carried 2"),
        ("last tracker pass", "none yet"),
        ("last outbox pass", "none yet"),
    ]
