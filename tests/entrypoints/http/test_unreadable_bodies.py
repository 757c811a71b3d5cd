"""Authenticated bodies the bridge can never read are answered `200 {"ok": false, "outcome": "unreadable"}` through
`index.handler` (Pachca's webhook guide: 200 for data that will never become valid, so it is not delivered again),
kept as refused events with their reason for `doctor`, and a redelivery changes nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from adapters.state.sqlite import SqliteState
from application.admin.doctor_state import StateChecks
from entrypoints.sandbox.simulators.world import World
from tests.conftest import sign
from tests.entrypoints.apis import pachca_body, signed, tracker_headers
from tests.entrypoints.conftest import call_function

UNREADABLE = (200, {"ok": False, "outcome": "unreadable"})


def signed_raw(raw: bytes) -> tuple[bytes, dict[str, str]]:
    return raw, {"Content-Type": "application/json", "pachca-signature": sign(raw)}


def update_without_created_at() -> dict[str, Any]:
    body = pachca_body(56431, event="update")
    body.pop("created_at", None)
    return body


BODIES: dict[str, tuple[bytes, dict[str, str]]] = {
    "not JSON": signed_raw(b"not json at all"),
    "not an object": signed_raw(b"[1, 2, 3]"),
    "a lone surrogate": signed_raw(json.dumps(pachca_body(56431, content="Не работает \ud800")).encode()),
    "type and event of the wrong JSON types": signed(
        {"type": ["message"], "event": {"new": 1}, "webhook_timestamp": int(time.time())}
    ),
    "an update without created_at": signed(update_without_created_at()),
    "a Tracker body of an unknown type": (
        b'{"type":"issueCreatedEvent","issue":{"key":"SERVICEDESK-1"}}',
        tracker_headers(),
    ),
    "a Tracker comment without its id": (
        b'{"type":"issueCommentEvent","issue":{"key":"SERVICEDESK-1"}}',
        tracker_headers(),
    ),
    "Tracker's secret on a body that is not JSON": (b"{not json", tracker_headers()),
}


@pytest.mark.parametrize("name", list(BODIES))
def test_an_unreadable_body_is_200_unreadable_kept_once_and_calls_nothing(
    name: str, function_env: dict[str, str], apis: World, state_url: str
) -> None:
    body, headers = BODIES[name]

    first = call_function("POST", body, headers)
    again = call_function("POST", body, headers)

    assert (first.status, first.body) == UNREADABLE
    assert (again.status, again.body) == UNREADABLE
    assert apis.outbound() == 0
    store = SqliteState(state_url.removeprefix("sqlite:///"))
    try:
        (kept,) = store.dead(10)  # the redelivery added nothing
        assert store.stats().dead == 1 and store.stats().pending == 0
    finally:
        store.close()
    assert kept.kind == "unreadable"
    assert (kept.last_error or "").startswith("refused: unreadable body: ")


def test_doctor_counts_the_unreadable_bodies_apart_from_other_refusals(
    function_env: dict[str, str], state_url: str
) -> None:
    for name in ("not JSON", "a Tracker body of an unknown type", "an update without created_at"):
        assert call_function("POST", *BODIES[name]).status == 200

    checks = StateChecks(lambda: SqliteState(state_url.removeprefix("sqlite:///")), "STATE_URL").execute()

    by_check = {check.check: check for check in checks}
    assert "refused events" not in by_check
    found = by_check["unreadable bodies"]
    assert found.detail.startswith("3 authenticated webhook bodies could not be read")
    assert "type: not a Tracker event the bridge reads" in found.detail
    assert "created_at: missing" in found.detail


def test_a_form_with_field_errors_is_still_400(function_env: dict[str, str]) -> None:
    form = {"type": "view", "event": "submit", "callback_id": "intake_form", "private_metadata": "{}",
            "chat_id": 9012, "user_id": 134412, "data": {"description": " "},
            "webhook_timestamp": int(time.time())}  # fmt: skip

    reply = call_function("POST", *signed(form))

    assert reply.status == 400
    assert reply.body == {"errors": {"description": "Опишите, что случилось"}}
