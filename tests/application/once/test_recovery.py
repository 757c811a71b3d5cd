"""The drain pass's recovery and the problems told to a person, run for real against the in-memory fakes."""

from __future__ import annotations

from application.events import BodyRefused
from application.once.passes import HISTORY, TRACKER, WEBHOOK_MARK, PassLog
from domain.instants import iso_utc
from domain.people import Person
from ports.errors import PermanentFailure, TransientFailure
from tests.application.usecases.test_posts_only_where_the_bridge_opened import (
    INSIDER,
    PRIVATE_CHAT,
    SECRET_MESSAGE,
    comment,
    issue_typed_in_tracker,
)
from tests.builders import message
from tests.conftest import Bridge, make_bridge
from tests.entrypoints.apis import pachca_body

ADMIN_CHAT = 918400
AGENT = Person("1130000007986051", "Иван Иванов", "ivanov", "ivanov@example.com")


def admin_bridge() -> Bridge:
    return make_bridge({"ADMIN_CHAT_ID": str(ADMIN_CHAT)})


def told(bridge: Bridge) -> list[str]:
    return [post.text for post in bridge.messenger.chat_posts(ADMIN_CHAT)]


def opened(bridge: Bridge, message_id: int = 56431) -> str:
    bridge.deliver(message(message_id))
    return f"SERVICEDESK-{len(bridge.tracker.issues)}"


def run_pass(bridge: Bridge) -> tuple[int, int]:
    """One drain pass, the next one's Tracker search due (passes search Tracker at most every 10 s)."""
    result: tuple[int, int] = bridge.container.drain_pass().run()
    bridge.clock.advance(10.0)
    return result


# --- the event history ---------------------------------------------------------------------------------------------


def test_an_event_only_the_history_has_is_carried_once_and_deleted() -> None:
    bridge = make_bridge()
    bridge.history.keep(pachca_body(56431, chat_id=918264, entity_id=918264), iso_utc(bridge.clock.now() - 3600))

    done, _ = run_pass(bridge)
    again, _ = run_pass(bridge)

    assert (done, again) == (1, 0)
    assert len(bridge.tracker.issues) == 1 and bridge.history.kept == []
    record = PassLog(bridge.state, bridge.clock).last(HISTORY)
    assert record is not None and (record.seen, record.carried) == (0, 0)  # the last pass found nothing left


def test_an_event_a_webhook_carried_already_is_only_deleted() -> None:
    bridge = make_bridge()
    bridge.deliver(message(56431))
    bridge.history.keep(pachca_body(56431, chat_id=918264, entity_id=918264))
    bridge.reset_calls()

    done, _ = run_pass(bridge)

    assert done == 0 and bridge.history.kept == []
    assert bridge.tracker.calls["create_issue"] == 0


def test_an_unreadable_history_event_is_deleted_and_the_others_are_carried() -> None:
    bridge = make_bridge()
    bridge.history.keep({"type": "message", "event": "new", "id": "not a number"})
    bridge.history.keep(pachca_body(56432, chat_id=918264, entity_id=918264))

    done, _ = run_pass(bridge)

    assert done == 1 and bridge.history.kept == []


def test_a_history_event_older_than_the_store_remembers_is_deleted_uncarried() -> None:
    bridge = make_bridge({"RETENTION_DAYS": "1"})
    bridge.history.keep(pachca_body(56431, chat_id=918264, entity_id=918264), "2020-01-01T00:00:00.000Z")

    done, _ = run_pass(bridge)

    assert done == 0 and bridge.tracker.issues == {} and bridge.history.kept == []


def test_a_history_that_cannot_be_read_now_keeps_its_events_for_the_next_pass() -> None:
    bridge = make_bridge()
    bridge.history.keep(pachca_body(56431, chat_id=918264, entity_id=918264))
    bridge.history.faults.add("read", TransientFailure("pachca: 503 on GET /webhooks/events"))

    first, _ = run_pass(bridge)
    second, _ = run_pass(bridge)

    assert (first, second) == (0, 1)
    record = PassLog(bridge.state, bridge.clock).last(HISTORY)
    assert record is not None and record.error == ""


# --- Tracker's recent changes -------------------------------------------------------------------------------------


def test_a_comment_no_trigger_delivered_is_posted_once_but_not_the_robots_nor_an_internal_note() -> None:
    bridge = make_bridge()
    key = opened(bridge)
    thread = bridge.messenger.threads[56431]
    bridge.tracker.human_comment(key, AGENT, "Перезагрузите клиент")
    bridge.tracker.human_comment(key, AGENT, "#внутр сервер лицензий")
    bridge.tracker.add_comment(bridge.tracker.issues[key].key, "от робота")

    run_pass(bridge)
    run_pass(bridge)

    texts = [post.text for post in bridge.messenger.thread_posts(thread.thread_id)]
    assert sum("Перезагрузите клиент" in text for text in texts) == 1
    assert not any("сервер лицензий" in text or "от робота" in text for text in texts)


def test_a_status_changed_without_a_trigger_is_announced_once_and_a_new_ticket_is_not() -> None:
    bridge = make_bridge()
    key = opened(bridge)
    thread = bridge.messenger.threads[56431]

    run_pass(bridge)  # a ticket that has not moved: nothing to announce
    bridge.tracker.issues[key].status = "inProgress"
    bridge.tracker.issues[key].updated_at = "2026-12-07T10:05:00.000+0000"
    run_pass(bridge)
    run_pass(bridge)

    texts = [post.text for post in bridge.messenger.thread_posts(thread.thread_id)]
    assert [t for t in texts if t.startswith("Статус заявки изменён")] == ["Статус заявки изменён: В работе"]


def test_reconcile_minutes_0_searches_nothing() -> None:
    bridge = make_bridge({"RECONCILE_MINUTES": "0"})
    opened(bridge)

    run_pass(bridge)

    assert bridge.tracker.calls["issues_updated"] == 0
    assert PassLog(bridge.state, bridge.clock).last(TRACKER) is None


def test_passes_search_tracker_at_most_every_10_s_however_often_the_timer_is_called() -> None:
    bridge = make_bridge()
    drain = bridge.container.drain_pass()

    for _ in range(5):
        drain.run()
    bridge.clock.advance(10.0)
    drain.run()

    assert bridge.tracker.calls["issues_updated"] == 2


def test_instances_sharing_a_store_search_tracker_at_most_once_per_interval() -> None:
    bridge = make_bridge()
    tracker = bridge.container.tracker_recovery()

    first = tracker.run(min_interval=10.0)
    second = tracker.run(min_interval=10.0)
    bridge.clock.advance(10.0)
    third = tracker.run(min_interval=10.0)

    assert first is not None and second is None and third is not None
    assert bridge.tracker.calls["issues_updated"] == 2


# --- problems told to a person -------------------------------------------------------------------------------------


def test_a_dead_event_is_told_in_the_admin_chat_once_an_hour() -> None:
    bridge = admin_bridge()
    for message_id in (1, 2):
        bridge.tracker.faults.add("create_issue", PermanentFailure("tracker: 422 on POST /v2/issues/", 422))
        assert bridge.deliver(message(message_id)) == "failed"
    bridge.clock.advance(3600)
    bridge.tracker.faults.add("create_issue", PermanentFailure("tracker: 422 on POST /v2/issues/", 422))
    bridge.deliver(message(3))

    texts = told(bridge)
    assert len(texts) == 2
    assert "Мост отказался от события" in texts[0] and "pachca:message:1" in texts[0]


def test_a_refused_token_is_told_as_the_token_problem_it_is() -> None:
    bridge = admin_bridge()
    bridge.tracker.faults.add("create_issue", PermanentFailure("tracker: 401 on POST /v2/issues/", 401))

    bridge.deliver(message(1))

    [text] = told(bridge)
    assert "TRACKER_API_TOKEN" in text and "401" in text


def test_a_refused_provenance_check_is_told_as_such() -> None:
    bridge = admin_bridge()
    bridge.messenger.add_message(SECRET_MESSAGE, PRIVATE_CHAT, INSIDER)
    key = issue_typed_in_tracker(bridge, SECRET_MESSAGE)

    assert comment(bridge, key) == "refused"

    [text] = told(bridge)
    assert "поля pachca*" in text and key in text


def test_an_unreadable_body_is_not_a_problem_told_to_a_person() -> None:
    """It is answered 200 and counted by doctor; it says nothing about a ticket's thread."""
    bridge = admin_bridge()

    assert bridge.deliver(BodyRefused("3a316d6d3226f84c1e46e4447fa8d5fd", "body is not a JSON object")) == "refused"

    assert told(bridge) == []


def test_without_an_admin_chat_nothing_is_posted() -> None:
    bridge = make_bridge()
    bridge.tracker.faults.add("create_issue", PermanentFailure("tracker: 401 on POST /v2/issues/", 401))

    bridge.deliver(message(1))

    assert bridge.messenger.calls["post_to_chat"] == 0


def test_webhooks_arriving_while_the_history_stays_empty_is_told() -> None:
    bridge = admin_bridge()
    PassLog(bridge.state, bridge.clock).mark(WEBHOOK_MARK, bridge.clock.now() - 700)

    run_pass(bridge)

    [text] = told(bridge)
    assert "Сохранять историю событий" in text


def test_an_outbox_that_keeps_growing_is_told() -> None:
    bridge = admin_bridge()
    for message_id in range(1, 21):
        bridge.tracker.faults.add("create_issue", TransientFailure("tracker: 503"))
        bridge.deliver(message(message_id))
    bridge.tracker.faults.add("create_issue", *[TransientFailure("tracker: 503")] * 40)
    run_pass(bridge)
    bridge.tracker.faults.queued["create_issue"] = [TransientFailure("tracker: 503")] * 40
    bridge.deliver(message(21))

    run_pass(bridge)

    assert any("Очередь повторов растёт" in text for text in told(bridge))
