"""A lone surrogate (`"\\ud800"` as a JSON escape) is unreadable: answered 200 (so it is not delivered again), never
a 503 on every redelivery; it is kept as a refused event with its reason, and nothing is called."""

from __future__ import annotations

import json

import pytest

from entrypoints.sandbox.simulators.world import World
from tests.conftest import sign
from tests.entrypoints.apis import pachca_body, tracker_headers
from tests.entrypoints.conftest import Send

Json = dict[str, object]
UNREADABLE = {"ok": False, "outcome": "unreadable"}


def signed_ascii(payload: object) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()  # ASCII: the lone surrogate travels as the escape `\ud800`
    return raw, {"Content-Type": "application/json", "pachca-signature": sign(raw)}


@pytest.mark.parametrize(
    "where",
    [
        {"content": "Не работает \ud800 вход"},
        {"url": "https://app.pachca.com/\udfff"},
        {"extra": {"nested": ["\ud800"]}},
    ],
)
def test_a_lone_surrogate_in_a_signed_message_is_unreadable(send: Send, apis: World, where: Json) -> None:
    body, headers = signed_ascii(pachca_body(56431, **where))

    first, again = send("POST", body, headers), send("POST", body, headers)

    assert (first.status, again.status) == (200, 200)
    assert first.body == again.body == UNREADABLE
    assert apis.outbound() == 0 and apis.issues == {}


def test_a_lone_surrogate_in_a_button_click_is_unreadable(send: Send, apis: World) -> None:
    click = {"type": "button", "event": "click", "message_id": 1, "user_id": 2, "chat_id": 3, "data": "mine"}
    timestamp = pachca_body()["webhook_timestamp"]

    reply = send("POST", *signed_ascii({**click, "trigger_id": "\ud800", "webhook_timestamp": timestamp}))

    assert (reply.status, reply.body) == (200, UNREADABLE)
    assert apis.outbound() == 0


def test_a_lone_surrogate_in_a_tracker_trigger_is_unreadable(send: Send, apis: World) -> None:
    body = json.dumps({"type": "issueStatusEvent", "issue": {"key": "SERVICEDESK-1"}, "note": "\ud800"}).encode()

    reply = send("POST", body, tracker_headers())

    assert (reply.status, reply.body) == (200, UNREADABLE)
    assert apis.outbound() == 0


def test_an_unauthenticated_lone_surrogate_is_still_a_401(send: Send, apis: World) -> None:
    body, headers = signed_ascii(pachca_body(56431, content="\ud800"))

    assert send("POST", body, {**headers, "pachca-signature": "0" * 64}).status == 401


def test_a_function_event_whose_body_string_holds_a_lone_surrogate_is_no_503(function_env: dict[str, str]) -> None:
    import index
    from tests.entrypoints.conftest import Context, http_event

    event = http_event("POST", b"{}", {"Content-Type": "application/json"})
    event["body"] = '{"type": "message", "content": "\ud800"}'

    result = index.handler(event, Context())

    assert result["statusCode"] in (200, 401)
