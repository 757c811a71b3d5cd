"""HttpEventHistory and Tracker's search by update time over real HTTP: what Pachca and Tracker receive (Pachca's
requests checked against its OpenAPI spec, operations getWebhookEvents and deleteWebhookEvent), what comes back."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from adapters.pachca.history import HttpEventHistory
from adapters.pachca.messenger import pachca_client
from adapters.pachca.ratelimit import ChatRateLimiter
from adapters.tracker.client import tracker_client
from adapters.tracker.issues import HttpIssueTracker
from domain.tickets import TicketKey
from entrypoints.sandbox.in_memory import FakeTime
from ports.errors import PermanentFailure
from ports.event_history import EventHistory
from ports.tracker import ChangedIssues
from tests.adapters.openapi_spec import assert_response_valid

BASE = "/api/shared/v1"
TOKEN = "test-token-3f9a"
MESSAGE = {
    "event": "new",
    "type": "message",
    "webhook_timestamp": 1747574400,
    "chat_id": 918264,
    "content": "Не работает вход в 1С",
    "user_id": 12,
    "id": 56431,
    "created_at": "2025-05-15T14:30:00.000Z",
    "parent_message_id": None,
    "entity_type": "discussion",
    "entity_id": 918264,
    "thread": None,
    "url": "https://app.pachca.com/chats/918264?message=56431",
}


def page(ids: list[str], next_page: str, has_next: bool) -> dict[str, Any]:
    data = [
        {"id": i, "event_type": "message_new", "payload": MESSAGE, "created_at": "2025-05-15T14:30:00.000Z"}
        for i in ids
    ]
    return {"data": data, "meta": {"paginate": {"next_page": next_page, "has_next": has_next}}}


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
def history(httpserver: HTTPServer, time_: FakeTime) -> HttpEventHistory:
    client = pachca_client(requests.Session(), httpserver.url_for(BASE), TOKEN, sleep=time_.sleep)
    return HttpEventHistory(
        client, ChatRateLimiter(limit=5, window=2.0, margin=0.0, clock=time_.clock, sleep=time_.sleep)
    )


def test_implements_the_port(history: HttpEventHistory) -> None:
    assert isinstance(history, EventHistory)


def test_a_page_is_read_with_the_bots_token_and_its_cursor_names_the_next(
    httpserver: HTTPServer, history: HttpEventHistory
) -> None:
    body = page(["01KAJZ2XDSS2S3DSW9EXJZ0TBV", "01KAJZ2XDSS2S3DSW9EXJZ0TBA"], "eyJpZCI6MTB9", True)
    assert_response_valid("GET", "/webhooks/events", 200, body)
    httpserver.expect_request(f"{BASE}/webhooks/events", method="GET").respond_with_json(body)

    found = history.read(50)

    [request] = [r for r, _ in httpserver.log]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.args.to_dict() == {"limit": "50"}
    assert [e.event_id for e in found.events] == ["01KAJZ2XDSS2S3DSW9EXJZ0TBV", "01KAJZ2XDSS2S3DSW9EXJZ0TBA"]
    assert found.events[0].payload == MESSAGE and found.events[0].event_type == "message_new"
    assert found.next_cursor == "eyJpZCI6MTB9"


def test_the_last_page_has_no_next_cursor_and_the_limit_stays_within_the_specs_1_to_50(
    httpserver: HTTPServer, history: HttpEventHistory
) -> None:
    body = page(["01KAJZ2XDSS2S3DSW9EXJZ0TBV"], "eyJpZCI6MTB9", False)
    httpserver.expect_request(f"{BASE}/webhooks/events", method="GET").respond_with_json(body)

    found = history.read(500, cursor="eyJpZCI6MTB9")

    [request] = [r for r, _ in httpserver.log]
    assert request.args.to_dict() == {"limit": "50", "cursor": "eyJpZCI6MTB9"}
    assert found.next_cursor is None


def test_reads_keep_to_five_per_two_seconds(httpserver: HTTPServer, history: HttpEventHistory, time_: FakeTime) -> None:
    httpserver.expect_request(f"{BASE}/webhooks/events", method="GET").respond_with_json(page([], "", False))

    for _ in range(6):
        history.read(50)

    assert time_.sleeps == [pytest.approx(2.0)]  # the sixth read waited for the window to free a slot


def test_a_429_is_retried_after_what_retry_after_says(
    httpserver: HTTPServer, history: HttpEventHistory, time_: FakeTime
) -> None:
    answers = iter([Response(status=429, headers={"Retry-After": "3"}), Response(json.dumps(page([], "", False)))])
    httpserver.expect_request(f"{BASE}/webhooks/events", method="GET").respond_with_handler(lambda _: next(answers))

    assert history.read(50).events == []
    assert 3.0 in time_.sleeps


def test_an_event_is_deleted_by_its_id_and_one_already_gone_is_no_error(
    httpserver: HTTPServer, history: HttpEventHistory
) -> None:
    assert_response_valid("DELETE", "/webhooks/events/{id}", 204, None)
    httpserver.expect_request(f"{BASE}/webhooks/events/01KAJZ2XDSS2S3DSW9EXJZ0TBV", method="DELETE").respond_with_data(
        "", status=204
    )
    httpserver.expect_request(f"{BASE}/webhooks/events/01KGONE", method="DELETE").respond_with_json(
        {"errors": [{"key": "id", "value": "not_found"}]}, status=404
    )

    history.delete("01KAJZ2XDSS2S3DSW9EXJZ0TBV")
    history.delete("01KGONE")

    assert [(r.method, r.path) for r, _ in httpserver.log] == [
        ("DELETE", f"{BASE}/webhooks/events/01KAJZ2XDSS2S3DSW9EXJZ0TBV"),
        ("DELETE", f"{BASE}/webhooks/events/01KGONE"),
    ]


def test_a_revoked_token_is_a_permanent_failure_naming_its_status(
    httpserver: HTTPServer, history: HttpEventHistory
) -> None:
    httpserver.expect_request(f"{BASE}/webhooks/events", method="GET").respond_with_json(
        {"error": "invalid_token", "error_description": "revoked"}, status=401
    )

    with pytest.raises(PermanentFailure) as caught:
        history.read(50)

    assert caught.value.status == 401 and str(caught.value).startswith("pachca: 401")
    assert TOKEN not in str(caught.value)


def test_tracker_searches_a_queues_issues_updated_lately_oldest_first(httpserver: HTTPServer) -> None:
    client = tracker_client(requests.Session(), httpserver.url_for("/"), "tracker-token", org_id="7654321")
    issue = {
        "key": "SERVICEDESK-7",
        "summary": "Не работает вход в 1С",
        "status": {"key": "inProgress", "display": "В работе"},
        "updatedAt": "2026-12-07T10:00:00.000+0000",
        "6063181a59590578909db920--pachcaMessageId": "56431",
    }
    httpserver.expect_request("/v2/issues/_search", method="POST").respond_with_json([issue])
    tracker = HttpIssueTracker(client)

    found = tracker.issues_updated("SERVICEDESK", 7, 50)

    assert isinstance(tracker, ChangedIssues)
    [request] = [r for r, _ in httpserver.log]
    assert json.loads(request.get_data()) == {"query": 'Queue: SERVICEDESK Updated: >= now()-7m "Sort by": Updated ASC'}
    assert request.args.to_dict() == {"perPage": "50"}
    assert [(i.key, i.status_key, i.local_fields["pachcaMessageId"]) for i in found] == [
        (TicketKey("SERVICEDESK-7"), "inProgress", "56431")
    ]
