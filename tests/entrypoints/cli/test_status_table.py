"""docs/interface.md, «HTTP interface»: every row of the status table, through the function and through `serve`."""

from __future__ import annotations

import json
import time

import pytest

from entrypoints.sandbox.simulators.world import World
from tests.conftest import REQUESTER, dumps
from tests.entrypoints.apis import BOT_ID, THREAD_OPEN, pachca_body, signed, tracker_headers
from tests.entrypoints.conftest import TIMER_EVENT, Send


def test_get_answers_ok_when_the_store_answers(send: Send, apis: World) -> None:
    reply = send("GET")
    assert (reply.status, reply.body) == (200, {"status": "ok"})
    assert apis.outbound() == 0


def test_a_new_message_is_handled(send: Send, apis: World) -> None:
    reply = send("POST", *signed(pachca_body(56431)))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "created"})
    assert list(apis.issues) == ["SERVICEDESK-1"]
    assert len(apis.posts) == 1 and "SERVICEDESK-1" in apis.posts[0].content


def test_a_duplicate_is_answered_200_and_does_nothing(send: Send, apis: World) -> None:
    body, headers = signed(pachca_body(56431))
    send("POST", body, headers)
    calls = apis.outbound()

    reply = send("POST", body, headers)

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "duplicate"})
    assert apis.outbound() == calls
    assert len(apis.issues) == 1 and len(apis.posts) == 1


def test_the_bots_own_message_is_ignored(send: Send, apis: World) -> None:
    reply = send("POST", *signed(pachca_body(1, user_id=BOT_ID)))

    assert (reply.status, reply.body["ok"]) == (200, True)
    assert reply.body["outcome"] in ("own_message", "ignored")
    assert apis.issues == {}


def test_an_unknown_event_type_is_ignored(send: Send, apis: World) -> None:
    reaction = {
        "type": "reaction",
        "event": "new",
        "chat_id": 9012,
        "message_id": 1245817,
        "code": "👍",
        "name": "thumbsup",
        "user_id": 2345,
        "created_at": "2026-11-27T14:30:00.000Z",
        "webhook_timestamp": int(time.time()),
    }
    link = {
        "type": "message",
        "event": "link_shared",
        "chat_id": 23438,
        "message_id": 268092,
        "links": [{"url": "https://example.com/page1", "domain": "example.com"}],
        "user_id": 2345,
        "created_at": "2026-11-27T19:53:14.000Z",
        "webhook_timestamp": int(time.time()),
    }

    for payload in (reaction, link, {"type": "export", "event": "ready", "webhook_timestamp": int(time.time())}):
        reply = send("POST", *signed(payload))
        assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "ignored"})
    assert apis.outbound() == 0


def test_a_form_submission_with_errors_gets_400_with_field_errors(send: Send, apis: World) -> None:
    submit = form_submit("  ")

    reply = send("POST", *signed(submit))

    assert reply.status == 400
    assert set(reply.body) == {"errors"} and "description" in reply.body["errors"]
    assert apis.issues == {}


def test_a_valid_form_submission_opens_a_ticket_and_answers_200(send: Send, apis: World) -> None:
    submit = form_submit("Не печатает принтер")

    reply = send("POST", *signed(submit))

    assert reply.status == 200
    assert [i.summary for i in apis.issues.values()] == ["Не печатает принтер"]


def test_a_transient_failure_is_queued_with_202_and_the_timer_finishes_it(send: Send, apis: World) -> None:
    apis.inject(THREAD_OPEN, 503, times=None)
    reply = send("POST", *signed(pachca_body(56431)))
    assert (reply.status, reply.body) == (202, {"ok": True, "outcome": "queued"})
    assert apis.issues == {}

    apis.heal()
    drained = send("POST", dumps(TIMER_EVENT), {"Content-Type": "application/json"})

    assert (drained.status, drained.body) == (200, {"ok": True, "outcome": "drained", "done": 1, "left": 0})
    assert len(apis.issues) == 1 and len(apis.posts) == 1


def test_signatures_and_timestamps_are_checked_and_nothing_is_called(send: Send, apis: World) -> None:
    body, good = signed(pachca_body(56431))
    cases = {
        "no signature": (body, {"Content-Type": "application/json"}),
        "wrong signature": (body, {**good, "pachca-signature": "0" * 64}),
        "signed with another secret": signed(pachca_body(56431), secret="other"),
        "stale": signed(pachca_body(56431, webhook_timestamp=int(time.time()) - 301)),
        "future": signed(pachca_body(56431, webhook_timestamp=int(time.time()) + 120)),
        "no timestamp": signed({k: v for k, v in pachca_body(56431).items() if k != "webhook_timestamp"}),
        "body changed after signing": (body.replace(b"56431", b"56432"), good),
    }
    for name, (raw, headers) in cases.items():
        reply = send("POST", raw, headers)
        assert reply.status == 401, name
        assert reply.body["ok"] is False and reply.body["error"], name
    assert apis.outbound() == 0
    assert apis.issues == {}


def test_tracker_events_need_the_shared_secret(send: Send, apis: World) -> None:
    body = dumps({"type": "issueCommentEvent", "issue": {"key": "SERVICEDESK-1"}, "comment": {"id": "626"}})

    for headers in ({"Content-Type": "application/json"}, tracker_headers("wrong")):
        reply = send("POST", body, headers)
        assert reply.status == 401
    assert apis.outbound() == 0


UNREADABLE = (200, {"ok": False, "outcome": "unreadable"})


def test_authenticated_but_not_a_json_object_is_200_unreadable(send: Send, apis: World) -> None:
    for raw in (b"not json at all", b"[1, 2, 3]", '"строка"'.encode()):
        headers = {"Content-Type": "application/json", "pachca-signature": signed_raw(raw)}
        reply = send("POST", raw, headers)
        assert (reply.status, reply.body) == UNREADABLE, raw
    reply = send("POST", b"{not json", tracker_headers())
    assert (reply.status, reply.body) == UNREADABLE
    assert apis.outbound() == 0


def test_a_tracker_body_with_a_bad_issue_key_is_200_unreadable(send: Send) -> None:
    body = dumps({"type": "issueCommentEvent", "issue": {"key": "../../etc"}, "comment": {"id": "1"}})
    reply = send("POST", body, tracker_headers())
    assert (reply.status, reply.body) == UNREADABLE


def test_a_body_over_one_mebibyte_is_413(send: Send, apis: World) -> None:
    raw = json.dumps({"content": "x" * (1024 * 1024)}).encode()
    reply = send("POST", raw, {"Content-Type": "application/json", "pachca-signature": signed_raw(raw)})
    assert (reply.status, reply.body["ok"]) == (413, False)
    assert apis.outbound() == 0


def test_other_methods_are_405(send: Send) -> None:
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        reply = send(method, b"{}", {"Content-Type": "application/json"})
        assert (reply.status, reply.body["ok"]) == (405, False)


def test_the_timer_answers_drained_with_counts(send: Send) -> None:
    reply = send("POST", dumps(TIMER_EVENT), {"Content-Type": "application/json"})
    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "drained", "done": 0, "left": 0})


def form_submit(description: str) -> dict[str, object]:
    return {
        "type": "view",
        "event": "submit",
        "callback_id": "intake_form",
        "private_metadata": "{}",
        "chat_id": 918264,
        "user_id": REQUESTER,
        "data": {"description": description},
        "webhook_timestamp": int(time.time()),
    }


def signed_raw(raw: bytes) -> str:
    from tests.conftest import sign

    return sign(raw)


def test_a_form_submission_during_an_outage_still_answers_200_and_is_finished_later(send: Send, apis: World) -> None:
    apis.inject(THREAD_OPEN, 503, times=None)
    submit = form_submit("Не печатает принтер")

    reply = send("POST", *signed(submit))

    assert reply.status == 200
    apis.heal()
    send("POST", dumps(TIMER_EVENT), {"Content-Type": "application/json"})
    assert [i.summary for i in apis.issues.values()] == ["Не печатает принтер"]


def test_a_tracker_trigger_of_a_kind_outside_the_catalogue_is_unreadable_without_a_call(
    send: Send, apis: World
) -> None:
    body = dumps({"type": "issueCreatedEvent", "issue": {"key": "SERVICEDESK-1"}})

    reply = send("POST", body, tracker_headers())

    assert (reply.status, reply.body) == UNREADABLE
    assert apis.outbound() == 0


def test_hostile_bodies_get_the_documented_answers_never_a_503(send: Send, apis: World) -> None:
    deep = b"[" * 100_000
    odd_timer = dumps({"messages": [{"event_metadata": "x"}, 1, None]})
    for raw in (deep, odd_timer):
        assert send("POST", raw, {"Content-Type": "application/json"}).status == 401
    reply = send("POST", deep, {"pachca-signature": signed_raw(deep)})
    assert (reply.status, reply.body) == UNREADABLE
    huge_id = signed(pachca_body(2**63))
    reply = send("POST", *huge_id)
    assert (reply.status, reply.body) == UNREADABLE
    not_a_time = dumps(pachca_body(1)).replace(b'"webhook_timestamp": ', b'"webhook_timestamp": NaN, "x": ')
    assert send("POST", not_a_time, {"pachca-signature": signed_raw(not_a_time)}).status == 401
    assert apis.outbound() == 0


@pytest.mark.parametrize("state_url", ["sqlite:////proc/no-such-dir/state.db"])
def test_an_event_that_cannot_even_be_stored_is_503_and_calls_nothing(state_url: str, send: Send, apis: World) -> None:
    assert send("GET").status == 503

    reply = send("POST", *signed(pachca_body(56431)))

    assert (reply.status, reply.body) == (503, {"ok": False, "error": "state store unavailable"})
    assert apis.outbound() == 0
