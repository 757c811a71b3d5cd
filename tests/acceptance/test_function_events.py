"""`index.handler` with the events Yandex Cloud Functions really sends: a direct invocation URL (no path), a timer
trigger's message, a cold start without configuration, and a service account's IAM token as the store's password."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

import index
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.people import IVAN
from entrypoints.sandbox.simulators.webhooks import from_pachca, from_tracker, message_webhook, sign
from entrypoints.sandbox.simulators.world import World
from tests.conftest import PACHCA_SECRET, TRACKER_SECRET
from tests.entrypoints.conftest import TIMER_EVENT, Context, bridge_env, http_event
from tests.state.test_state_url import PasswordCatcher

REQUIRED = ("PACHKA_API_TOKEN", "WEBHOOK_SECRET", "TRACKER_API_TOKEN", "TRACKER_ORG_ID")


def invoke(event: dict[str, Any], context: Any = None) -> tuple[int, dict[str, Any]]:
    result = index.handler(event, context or Context())
    assert result["headers"]["Content-Type"].startswith("application/json")
    return result["statusCode"], json.loads(result["body"])


def direct_url(method: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict[str, Any]:
    """`https://functions.yandexcloud.net/<id>`: no path at all in the event."""
    event = http_event(method, body, headers or {})
    del event["path"], event["url"]
    return event


@pytest.fixture
def world(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with World().served() as world:
        for name, value in bridge_env(world, f"sqlite:///{tmp_path}/state.db").items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("BOT_USER_ID", raising=False)
        function.reset()
        yield world
    function.reset()


@pytest.fixture
def unconfigured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (*REQUIRED, "PACHCA_API_TOKEN", "TRACKER_CLOUD_ORG_ID", "TRACKER_WEBHOOK_SECRET", "STATE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_API_TOKEN", "oauth-value-never-shown")
    function.reset()
    yield
    function.reset()


def test_a_get_on_the_direct_function_url_is_the_health_check(world: World) -> None:
    assert invoke(direct_url("GET")) == (200, {"status": "ok"})
    assert invoke(http_event("GET", b"", {}) | {"path": "/healthz", "url": "/healthz"}) == (200, {"status": "ok"})
    assert world.outbound() == 0


def test_a_head_is_405_in_the_documented_shape(world: World) -> None:
    status, body = invoke(direct_url("HEAD"))

    assert status == 405 and body["ok"] is False and body["error"]


def test_the_timer_message_answers_drained_with_both_counts(world: World) -> None:
    assert invoke(TIMER_EVENT) == (200, {"ok": True, "outcome": "drained", "done": 0, "left": 0})


def test_a_message_queued_in_an_outage_is_carried_by_the_timer(world: World) -> None:
    world.inject("POST /tracker/v2/issues/", 503, times=None)
    raw, headers = from_pachca(message_webhook(timestamp=int(time.time())), PACHCA_SECRET)

    assert invoke(direct_url("POST", raw, headers)) == (202, {"ok": True, "outcome": "queued"})
    world.heal()
    assert invoke(TIMER_EVENT) == (200, {"ok": True, "outcome": "drained", "done": 1, "left": 0})
    assert len(world.issues) == 1 and world.duplicates() == []


def test_an_unauthenticated_cold_start_calls_nothing_outside(world: World) -> None:
    raw, _ = from_pachca(message_webhook(timestamp=int(time.time())), PACHCA_SECRET)
    forged = {"pachca-signature": "0" * 64, "content-type": "application/json"}

    assert invoke(direct_url("POST", raw, forged))[0] == 401
    assert invoke(direct_url("POST", raw))[0] == 401
    tracker_raw, _ = from_tracker({"type": "issueStatusEvent", "issue": {"key": "SERVICEDESK-1"}}, TRACKER_SECRET)
    assert invoke(direct_url("POST", tracker_raw, {"x-tracker-secret": "wrong"}))[0] == 401
    assert world.outbound() == 0


def test_only_the_issue_key_and_comment_id_are_read_from_a_tracker_body(world: World) -> None:
    raw, headers = from_pachca(message_webhook(timestamp=int(time.time())), PACHCA_SECRET)
    assert invoke(direct_url("POST", raw, headers))[0] == 200
    [key] = world.issues
    comment_id = world.comment_as(IVAN, key, "Перезагрузите компьютер")
    forged = {
        "type": "issueCommentEvent",
        "issue": {"key": key, "summary": "поддельное"},
        "comment": {"id": comment_id, "text": "поддельный текст", "createdBy": {"display": "Злоумышленник"}},
    }
    body, headers = from_tracker(forged, TRACKER_SECRET)

    assert invoke(direct_url("POST", body, headers))[0] == 200
    relayed = [p.content for p in world.posts_in(world.thread_of_issue(key)) if p.content.startswith("Добавлен")]
    assert relayed == ["Добавлен комментарий:\nАвтор: Иван Иванов\nПерезагрузите компьютер"]


@pytest.mark.usefixtures("unconfigured")
def test_without_configuration_every_invocation_is_503_naming_the_variables_only() -> None:
    raw, headers = from_pachca(message_webhook(timestamp=int(time.time())), PACHCA_SECRET)
    for event in (direct_url("GET"), direct_url("POST", raw, headers), TIMER_EVENT, direct_url("PUT")):
        status, body = invoke(event)
        assert status == 503
        assert body["ok"] is False and body["error"].startswith("configuration: ")
        for name in ("PACHKA_API_TOKEN", "WEBHOOK_SECRET", "TRACKER_ORG_ID"):
            assert name in body["error"]
        assert "TRACKER_API_TOKEN" not in body["error"]  # it is set, so it is not at fault
        assert "oauth-value-never-shown" not in json.dumps(body)


class TokenContext(Context):
    """A function version with a service account: the invocation's IAM token comes in the context."""

    token: ClassVar[dict[str, object]] = {
        "access_token": "t1.iam-token-of-this-invocation",
        "expires_in": 42299,
        "token_type": "Bearer",
    }


def test_a_postgresql_url_without_password_is_opened_with_the_invocations_iam_token(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    catcher = PasswordCatcher()
    try:
        monkeypatch.setenv("STATE_URL", f"postgresql://bridge@127.0.0.1:{catcher.port}/bridge?sslmode=disable")
        function.reset()
        status, body = invoke(direct_url("GET"), TokenContext())
    finally:
        catcher.listener.close()
        catcher.thread.join(timeout=5)

    assert catcher.passwords == ["t1.iam-token-of-this-invocation"]
    assert status == 503 and "iam-token" not in json.dumps(body)  # the fake server refuses it: the store is down


@pytest.mark.parametrize("base64_body", [False, True])
def test_a_body_of_exactly_1_mib_is_read_and_one_byte_more_is_413(world: World, base64_body: bool) -> None:
    """The limit is on the body as sent, not on its base64 form in the event."""

    def body_of(size: int) -> bytes:
        head = json.dumps({"type": "reaction", "event": "new", "webhook_timestamp": int(time.time()), "pad": ""})
        return head[:-2].encode() + b"a" * (size - len(head)) + b'"}'

    answers = []
    for size in (1024 * 1024, 1024 * 1024 + 1):
        raw = body_of(size)
        assert len(raw) == size
        answers.append(
            invoke(http_event("POST", raw, {"pachca-signature": sign(raw, PACHCA_SECRET)}, base64_body=base64_body))
        )

    assert answers[0] == (200, {"ok": True, "outcome": "ignored"})
    assert answers[1][0] == 413 and answers[1][1]["ok"] is False and answers[1][1]["error"]
