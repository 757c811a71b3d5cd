"""What only the function does: base64 bodies, timer events, configuration errors, the store being down."""

from __future__ import annotations

import pytest

import index
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.world import World
from tests.conftest import TEST_ENV
from tests.entrypoints.apis import THREAD_OPEN, pachca_body, signed
from tests.entrypoints.conftest import TIMER_EVENT, Context, call_function, http_event


def test_a_base64_body_is_decoded_before_the_signature_is_checked(function_env: dict[str, str], apis: World) -> None:
    body, headers = signed(pachca_body(56431))

    reply = call_function("POST", body, headers, base64_body=True)

    assert reply.status == 200 and reply.body["outcome"] == "created"


def test_header_names_are_matched_in_any_case(function_env: dict[str, str], apis: World) -> None:
    body, headers = signed(pachca_body(56431))
    event = http_event("POST", body, {})
    event["headers"]["PACHCA-SIGNATURE"] = headers["pachca-signature"]

    result = index.handler(event, Context())

    assert result["statusCode"] == 200


def test_the_timer_event_itself_runs_a_drain(function_env: dict[str, str]) -> None:
    result = index.handler(TIMER_EVENT, Context())

    assert result["statusCode"] == 200
    assert '"outcome": "drained"' in result["body"]


def test_missing_variables_answer_503_naming_them_and_never_their_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TEST_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACHCA_API_TOKEN", "pachca-token-visible")
    monkeypatch.setenv("WEBHOOK_MAX_AGE_SECONDS", "soon")
    function.reset()
    try:
        for method in ("GET", "POST"):
            reply = call_function(method, b"{}")
            assert reply.status == 503
            assert reply.body["ok"] is False
            error = reply.body["error"]
            assert error.startswith("configuration: ")
            for name in ("WEBHOOK_SECRET", "TRACKER_API_TOKEN", "WEBHOOK_MAX_AGE_SECONDS", "TRACKER_ORG_ID"):
                assert name in error
            assert "pachca-token-visible" not in error and "soon" not in error
    finally:
        function.reset()


def test_the_function_refuses_the_memory_store(function_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATE_URL", "memory://")
    function.reset()

    reply = call_function("GET")

    assert (reply.status, reply.body) == (503, {"ok": False, "error": "configuration: STATE_URL"})


def test_a_store_that_cannot_be_opened_answers_503(
    function_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, apis: World
) -> None:
    monkeypatch.setenv("STATE_URL", "sqlite:////proc/no-such-dir/state.db")
    function.reset()

    assert call_function("GET").status == 503
    reply = call_function("POST", *signed(pachca_body(56431)))
    assert reply.status == 503 and reply.body["ok"] is False
    assert apis.issues == {}


def test_no_secret_reaches_the_logs(function_env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    call_function("POST", *signed(pachca_body(56431)))
    call_function("POST", b"{}", {"pachca-signature": "bad"})

    out = capsys.readouterr().out
    assert out.strip(), "expected JSON log lines"
    for secret in (
        "pachca-token-0123456789",
        "tracker-token-0123456789",
        "pachca-signing-secret",
        "tracker-trigger-secret",
    ):
        assert secret not in out


def test_a_timer_with_the_store_down_answers_503_through_the_error_table(
    function_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATE_URL", "sqlite:////proc/no-such-dir/state.db")
    function.reset()

    result = index.handler(TIMER_EVENT, Context())

    assert result["statusCode"] == 503
    assert '"state store unavailable"' in result["body"]


def test_every_log_line_of_an_event_names_it_so_one_grep_follows_it(
    function_env: dict[str, str], apis: World, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    apis.inject(THREAD_OPEN, 503, times=None)
    capsys.readouterr()
    event = http_event("POST", *signed(pachca_body(56431)))

    index.handler(event, Context())

    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    lines = [line for line in logged if line["logger"] not in ("servicedesk.bootstrap", "werkzeug")]  # start-up, fake
    assert {line["message"] for line in lines} >= {"retrying", "event queued for retry", "webhook"}
    assert {line.get("event_key") for line in lines} == {"pachca:message:56431"}
    assert {line.get("request_id") for line in lines} == {event["requestContext"]["requestId"]}


@pytest.mark.parametrize(
    "event",
    [
        {"messages": [{"event_metadata": "x"}]},
        {"httpMethod": "POST", "multiValueHeaders": {"X": 1}, "requestContext": "?", "body": None},
        {"httpMethod": "POST", "body": "%%%", "isBase64Encoded": True},
        [],
        None,
    ],
)
def test_odd_invocations_are_answered_never_raised(function_env: dict[str, str], event: object) -> None:
    result = index.handler(event, Context())

    assert result["statusCode"] in (200, 401)


def test_head_is_a_method_other_than_get_and_post(function_env: dict[str, str]) -> None:
    assert call_function("HEAD").status == 405
