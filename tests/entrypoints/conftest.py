from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

import index
from entrypoints.composition.bootstrap import build_container
from entrypoints.config.settings import DEFAULT_SERVE_STATE_URL
from entrypoints.function import handler as function
from entrypoints.http.in_process import serving
from entrypoints.http.wsgi import make_wsgi_app
from entrypoints.sandbox.simulators.world import World
from tests.conftest import TEST_ENV


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


class Context:
    """What Yandex Cloud Functions passes as `context`."""

    def __init__(self, remaining_ms: int = 10_000) -> None:
        self.request_id = str(uuid.uuid4())
        self.function_name = "servicedesk-bot"
        self.function_version = "d4e1"
        self.memory_limit_in_mb = 256
        self._remaining = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining


def http_event(method: str, body: bytes, headers: dict[str, str], *, base64_body: bool = False) -> dict[str, Any]:
    """An HTTP invocation event as documented for Cloud Functions (header names canonicalised)."""
    canonical = {"-".join(p.capitalize() for p in k.split("-")): v for k, v in headers.items()}
    canonical.update(
        {
            "Host": "functions.yandexcloud.net",
            "User-Agent": "Faraday v2.12.2",
            "X-Forwarded-For": "37.200.70.177",
            "X-Request-Id": str(uuid.uuid4()),
        }
    )
    return {
        "httpMethod": method,
        "headers": canonical,
        "multiValueHeaders": {k: [v] for k, v in canonical.items()},
        "queryStringParameters": {},
        "multiValueQueryStringParameters": {},
        "requestContext": {
            "httpMethod": method,
            "identity": {"sourceIp": "37.200.70.177", "userAgent": "Faraday v2.12.2"},
            "requestId": str(uuid.uuid4()),
            "requestTime": "27/Nov/2026:08:18:54 +0000",
            "requestTimeEpoch": 1795681134,
        },
        "body": base64.b64encode(body).decode() if base64_body else body.decode("utf-8", "replace"),
        "isBase64Encoded": base64_body,
        "url": "",
        "path": "",
    }


TIMER_EVENT = {
    "messages": [
        {
            "event_metadata": {
                "event_id": "a1s41g2n5g0o00000000",
                "event_type": "yandex.cloud.events.serverless.triggers.TimerMessage",
                "created_at": "2026-11-27T12:05:14.227761Z",
                "cloud_id": "b1gvlrnlei4l00000000",
                "folder_id": "b1g88tflru0e00000000",
            },
            "details": {"trigger_id": "a1sfe084v4se00000000", "payload": "drain"},
        }
    ]
}

Send = Callable[..., Reply]


@pytest.fixture
def apis() -> Iterator[World]:
    """Pachca and Tracker, simulated over real HTTP."""
    with World().served() as world:
        yield world
    assert world.unrouted == []


def bridge_env(world: World, state_url: str) -> dict[str, str]:
    return {**TEST_ENV, **world.env(), "STATE_URL": state_url}


@pytest.fixture
def state_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/state.db"


@pytest.fixture
def function_env(apis: World, state_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    env = bridge_env(apis, state_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    function.reset()
    yield env
    function.reset()


def call_function(
    method: str, body: bytes = b"", headers: dict[str, str] | None = None, *, base64_body: bool = False
) -> Reply:
    import json

    result = index.handler(http_event(method, body, headers or {}, base64_body=base64_body), Context())
    assert set(result) >= {"statusCode", "body"}
    assert result["headers"]["Content-Type"].startswith("application/json")
    return Reply(result["statusCode"], json.loads(result["body"]))


@pytest.fixture
def served(apis: World, state_url: str) -> Iterator[str]:
    """`serve`'s WSGI app on waitress, on a free local port."""
    import os

    container = build_container({**os.environ, **bridge_env(apis, state_url)}, DEFAULT_SERVE_STATE_URL)
    with serving(make_wsgi_app(container.webhooks())) as base:
        yield base


@pytest.fixture(params=["function", "wsgi"])
def send(request: pytest.FixtureRequest) -> Send:
    """The same request through `index.handler` or through `serve` over real HTTP."""
    if request.param == "function":
        request.getfixturevalue("function_env")
        return call_function
    base = request.getfixturevalue("served")

    def over_http(method: str, body: bytes = b"", headers: dict[str, str] | None = None, **_: Any) -> Reply:
        response = requests.request(method, base + "/", data=body, headers=headers or {}, timeout=10)
        return Reply(response.status_code, response.json())

    return over_http
