"""The variables as the installed script reads them, seen from the APIs' side: the Pachca spelling of the token, the
Cloud organisation's header, the legacy create URL as the Tracker base (doctor makes the calls)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import index
from entrypoints.function import handler as function
from entrypoints.sandbox.simulators.people import BOT_ID
from entrypoints.sandbox.simulators.webhooks import from_pachca, message_webhook
from entrypoints.sandbox.simulators.world import World
from tests.acceptance.conftest import run
from tests.conftest import PACHCA_SECRET
from tests.entrypoints.conftest import Context, bridge_env, http_event


def env_for(httpserver: HTTPServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "WEBHOOK_SECRET": "signing",
        "TRACKER_API_TOKEN": "tracker-oauth",
        "PACHCA_API_URL": httpserver.url_for("/pachca"),
        "STATE_URL": f"sqlite:///{tmp_path}/state.db",
        **extra,
    }


def seen(httpserver: HTTPServer, path: str) -> dict[str, str]:
    [request] = [request for request, _ in httpserver.log if request.path == path]
    return dict(request.headers)


@pytest.mark.parametrize("token_name", ["PACHKA_API_TOKEN", "PACHCA_API_TOKEN"])
def test_either_spelling_of_the_pachca_token_is_sent_to_pachca(
    token_name: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    env = env_for(httpserver, tmp_path, TRACKER_ORG_ID="7654321", TRACKER_API_URL=httpserver.url_for("/"))
    done = run("doctor", env={**env, token_name: "pachca-bot-token"}, cwd=tmp_path)

    assert done.returncode == 1  # the fake APIs answer nothing useful: checks fail, the configuration is fine
    assert seen(httpserver, "/pachca/oauth/token/info")["Authorization"] == "Bearer pachca-bot-token"
    tracker = seen(httpserver, "/v2/myself")
    assert tracker["Authorization"] == "OAuth tracker-oauth" and tracker["X-Org-Id"] == "7654321"
    assert "X-Cloud-Org-Id" not in tracker


def test_a_cloud_organisation_is_sent_as_x_cloud_org_id_to_the_legacy_create_urls_host(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    env = env_for(
        httpserver,
        tmp_path,
        PACHKA_API_TOKEN="pachca-bot-token",
        TRACKER_CLOUD_ORG_ID="bpf3crucp1v2example",
        TRACKER_CREATE_URL=httpserver.url_for("/v2/issues/"),
    )
    done = run("doctor", env=env, cwd=tmp_path)

    assert done.returncode == 1
    tracker = seen(httpserver, "/v2/myself")
    assert tracker["X-Cloud-Org-Id"] == "bpf3crucp1v2example" and "X-Org-Id" not in tracker


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with World().served() as world:
        for name, value in bridge_env(world, f"sqlite:///{tmp_path}/state.db").items():
            monkeypatch.setenv(name, value)
        function.reset()
        yield world
    function.reset()


def deliver(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], payload: dict[str, Any]) -> int:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    function.reset()
    raw, headers = from_pachca(payload, PACHCA_SECRET)
    status: int = index.handler(http_event("POST", raw, headers), Context())["statusCode"]
    return status


def test_tracker_web_url_is_the_base_of_the_link_on_the_card(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"TRACKER_WEB_URL": "https://tracker.example.org"}
    assert deliver(monkeypatch, env, message_webhook(message_id=56431, timestamp=int(time.time()))) == 200

    key = world.issue_of(56431).key
    [card] = world.cards_of(key)
    links = [button["url"] for row in card.buttons for button in row if "url" in button]
    assert links == [f"https://tracker.example.org/{key}"]


def test_webhook_max_age_seconds_sets_how_old_a_webhook_may_be(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"WEBHOOK_MAX_AGE_SECONDS": "30"}
    old = message_webhook(message_id=56431, timestamp=int(time.time()) - 45)
    assert deliver(monkeypatch, env, old) == 401
    fresh = message_webhook(message_id=56432, timestamp=int(time.time()) - 15)
    assert deliver(monkeypatch, env, fresh) == 200
    assert deliver(monkeypatch, env, message_webhook(message_id=56433, timestamp=int(time.time()) + 90)) == 401
    assert [issue.local_fields["pachcaMessageId"] for issue in world.issues.values()] == ["56432"]


TOKEN_INFO = "GET /pachca/oauth/token/info"


def test_without_bot_user_id_the_bots_id_is_read_once_for_all_invocations(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOT_USER_ID", raising=False)
    function.reset()
    for n in range(3):  # one instance, three invocations
        raw, headers = from_pachca(message_webhook(message_id=56700 + n, timestamp=int(time.time())), PACHCA_SECRET)
        assert index.handler(http_event("POST", raw, headers), Context())["statusCode"] == 200

    assert len(world.issues) == 3
    assert world.received(TOKEN_INFO) == 1


def test_with_bot_user_id_the_bots_id_is_never_asked_for(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"BOT_USER_ID": str(BOT_ID)}
    assert deliver(monkeypatch, env, message_webhook(message_id=56800, timestamp=int(time.time()))) == 200

    assert world.received(TOKEN_INFO) == 0
