"""The one outbound call policy (adapters/http/client.py), over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from adapters.http.client import MIN_TIMEOUT, SAFETY_MARGIN, HttpClient, InvocationBudget, RetryPolicy
from ports.errors import NotFound, OutcomeUnknown, PermanentFailure, TransientFailure

TOKEN = "policy-secret-token"
POLICY = RetryPolicy(attempts=3, base_delay=0.25, max_delay=4.0, max_retry_after=10.0)
BUDGET = InvocationBudget()


class RecordingSession(requests.Session):
    """A real session that also notes the timeout each call was given."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[Any] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self.timeouts.append(kwargs.get("timeout"))
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()


def make_client(base_url: str, session: requests.Session, sleeps: list[float], **kw: Any) -> HttpClient:
    kw.setdefault("policy", POLICY)
    kw.setdefault("budget", BUDGET)
    return HttpClient(session, base_url, {"Authorization": f"OAuth {TOKEN}"}, service="svc", sleep=sleeps.append, **kw)


@pytest.fixture
def client(httpserver: HTTPServer, session: RecordingSession, sleeps: list[float]) -> HttpClient:
    return make_client(httpserver.url_for("/"), session, sleeps)


@pytest.fixture
def deadline_in() -> Iterator[Any]:
    with ExitStack() as stack:

        def set_deadline(seconds: float) -> None:
            stack.enter_context(BUDGET.until(time.monotonic() + seconds))

        yield set_deadline


def calls(httpserver: HTTPServer) -> int:
    return len(httpserver.log)


def wait_for_log(httpserver: HTTPServer, count: int, timeout: float = 5.0) -> None:
    give_up = time.monotonic() + timeout
    while calls(httpserver) < count and time.monotonic() < give_up:
        time.sleep(0.01)
    assert calls(httpserver) == count


def test_success_passes_headers_and_returns_the_response(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/thing", method="GET", query_string={"a": "1"}).respond_with_json({"ok": True})

    response = client.request("GET", "/thing", idempotent=True, params={"a": 1})

    assert response.json() == {"ok": True}
    (request, _) = httpserver.log[0]
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"


@pytest.mark.parametrize("idempotent", [True, False])
def test_429_honours_retry_after(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float], idempotent: bool
) -> None:
    httpserver.expect_oneshot_request("/thing", method="POST").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "2"}
    )
    httpserver.expect_request("/thing", method="POST").respond_with_json({"ok": True}, status=201)

    response = client.request("POST", "/thing", idempotent=idempotent, json={"x": 1})

    assert response.status_code == 201
    assert sleeps == [2.0]
    assert calls(httpserver) == 2


def test_server_errors_are_retried_with_growing_backoff_when_idempotent(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float]
) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/thing", method="GET").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/thing", method="GET").respond_with_json({"ok": True})

    response = client.request("GET", "/thing", idempotent=True)

    assert response.json() == {"ok": True}
    assert calls(httpserver) == 3
    first, second = sleeps
    assert POLICY.base_delay / 2 <= first <= POLICY.base_delay
    assert POLICY.base_delay <= second <= POLICY.base_delay * 2


def test_a_server_error_retry_after_is_honoured(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float]
) -> None:
    httpserver.expect_oneshot_request("/thing").respond_with_data("", status=503, headers={"Retry-After": "1.5"})
    httpserver.expect_request("/thing").respond_with_json({})

    client.request("GET", "/thing", idempotent=True)

    assert sleeps == [1.5]


def test_server_error_on_a_non_idempotent_write_is_outcome_unknown_at_once(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float]
) -> None:
    httpserver.expect_request("/thing", method="POST").respond_with_data("", status=500)

    with pytest.raises(OutcomeUnknown):
        client.request("POST", "/thing", idempotent=False, json={})

    assert calls(httpserver) == 1
    assert sleeps == []


def test_attempts_are_bounded(httpserver: HTTPServer, session: RecordingSession, sleeps: list[float]) -> None:
    httpserver.expect_request("/thing").respond_with_data("", status=502)
    client = make_client(httpserver.url_for("/"), session, sleeps, policy=RetryPolicy(attempts=4, max_delay=0.3))

    with pytest.raises(TransientFailure) as caught:
        client.request("GET", "/thing", idempotent=True)

    assert not isinstance(caught.value, OutcomeUnknown)
    assert calls(httpserver) == 4
    assert len(sleeps) == 3
    assert all(delay <= 0.3 for delay in sleeps)


def test_retry_after_beyond_the_limit_is_left_to_the_caller(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float]
) -> None:
    httpserver.expect_request("/thing").respond_with_data("", status=429, headers={"Retry-After": "30"})

    with pytest.raises(TransientFailure) as caught:
        client.request("GET", "/thing", idempotent=True)

    assert caught.value.retry_after == 30.0
    assert sleeps == []
    assert calls(httpserver) == 1


def test_timeouts_without_a_deadline(httpserver: HTTPServer, client: HttpClient, session: RecordingSession) -> None:
    httpserver.expect_request("/thing").respond_with_json({})

    client.request("GET", "/thing", idempotent=True)

    assert session.timeouts == [(client.connect_timeout, client.timeout)]


def test_the_deadline_shrinks_timeouts(
    httpserver: HTTPServer, client: HttpClient, session: RecordingSession, deadline_in: Any
) -> None:
    httpserver.expect_request("/thing").respond_with_json({})
    deadline_in(2.0)

    client.request("GET", "/thing", idempotent=True)

    ((connect, read),) = session.timeouts
    assert connect <= 2.0 - SAFETY_MARGIN
    assert read <= 2.0 - SAFETY_MARGIN
    assert read < client.timeout


def test_a_slow_answer_is_abandoned_in_time_for_the_deadline(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float], deadline_in: Any
) -> None:
    release = threading.Event()

    def slow(_: Request) -> Response:
        release.wait(5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/thing").respond_with_handler(slow)
    deadline_in(1.0)  # abandoned at the deadline less SAFETY_MARGIN (0.5 s): half the time the assertion allows
    started = time.monotonic()
    try:
        with pytest.raises(OutcomeUnknown):
            client.request("POST", "/thing", idempotent=False, json={})
    finally:
        elapsed = time.monotonic() - started
        release.set()
        wait_for_log(httpserver, 1)  # the server finishes the abandoned request before the next test

    assert elapsed < 1.0
    assert sleeps == []


def test_the_deadline_prevents_a_retry_that_would_not_fit(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float], deadline_in: Any
) -> None:
    httpserver.expect_request("/thing").respond_with_data("", status=503)
    deadline_in(MIN_TIMEOUT + SAFETY_MARGIN + POLICY.base_delay / 2)  # the shortest backoff no longer fits

    with pytest.raises(TransientFailure):
        client.request("GET", "/thing", idempotent=True)

    assert calls(httpserver) == 1
    assert sleeps == []


def test_the_deadline_prevents_waiting_out_a_long_retry_after(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float], deadline_in: Any
) -> None:
    httpserver.expect_request("/thing").respond_with_data("", status=429, headers={"Retry-After": "5"})
    deadline_in(3.0)

    with pytest.raises(TransientFailure) as caught:
        client.request("GET", "/thing", idempotent=True)

    assert caught.value.retry_after == 5.0
    assert calls(httpserver) == 1
    assert sleeps == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_connection_refused_is_transient_and_retried(session: RecordingSession, sleeps: list[float]) -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}", session, sleeps)

    with pytest.raises(TransientFailure) as caught:
        client.request("GET", "/thing", idempotent=True)

    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(session.timeouts) == POLICY.attempts
    assert len(sleeps) == POLICY.attempts - 1
    assert TOKEN not in str(caught.value)


def test_connection_refused_on_a_write_is_retried(session: RecordingSession, sleeps: list[float]) -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}", session, sleeps)

    with pytest.raises(TransientFailure) as caught:
        client.request("POST", "/thing", idempotent=False, json={})

    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(session.timeouts) == POLICY.attempts


def test_404_is_not_found_and_not_retried(httpserver: HTTPServer, client: HttpClient, sleeps: list[float]) -> None:
    httpserver.expect_request("/thing").respond_with_json({"statusCode": 404}, status=404)

    with pytest.raises(NotFound) as caught:
        client.request("GET", "/thing", idempotent=True)

    assert caught.value.status == 404
    assert calls(httpserver) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 409, 422])
def test_other_client_errors_are_permanent_with_their_status(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float], status: int
) -> None:
    httpserver.expect_request("/thing").respond_with_json({"errorMessages": ["bad"]}, status=status)

    with pytest.raises(PermanentFailure) as caught:
        client.request("POST", "/thing", idempotent=True, json={})

    assert not isinstance(caught.value, NotFound)
    assert caught.value.status == status
    assert "bad" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert calls(httpserver) == 1
    assert sleeps == []
