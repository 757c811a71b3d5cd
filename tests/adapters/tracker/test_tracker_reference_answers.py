"""The Tracker adapters fed the answers exactly as Tracker's API reference prints them (one-element lists), and the
trigger condition in both of the reference's spellings (tests/contracts/tracker_reference_answers.py)."""

from __future__ import annotations

import copy

import pytest
import requests
from pytest_httpserver import HTTPServer

from adapters.tracker.client import tracker_client
from adapters.tracker.issues import HttpIssueTracker
from adapters.tracker.queue import HttpTrackerAdmin
from adapters.tracker.triggers import conditions
from application.admin.setup import bridge_triggers
from domain.people import Person
from domain.tickets import TicketKey
from ports.errors import PermanentFailure
from tests.application.admin.test_setup import COMMENT_TRIGGER
from tests.contracts.tracker_reference_answers import (
    ADDED_COMMENT,
    MYSELF,
    NONE_MATCH_AS_IN_THE_EXAMPLE,
    NONE_MATCH_AS_IN_THE_TABLE,
)

KEY = TicketKey("TREK-1")
TRIGGERS = "/v2/queues/SERVICEDESK/triggers"
PUBLIC_URL = "https://functions.yandexcloud.net/d4e0000000000000000"
COMMENT_SPEC = next(
    trigger
    for trigger in bridge_triggers(PUBLIC_URL, "trigger-secret", "1120000000016876", ("Version 0.1", "Version 0.2"))
    if trigger.name == COMMENT_TRIGGER
)


@pytest.fixture
def tracker(httpserver: HTTPServer) -> HttpIssueTracker:
    return HttpIssueTracker(tracker_client(requests.Session(), httpserver.url_for("/"), "t", org_id="1"))


@pytest.fixture
def admin(httpserver: HTTPServer) -> HttpTrackerAdmin:
    return HttpTrackerAdmin(tracker_client(requests.Session(), httpserver.url_for("/"), "t", org_id="1"))


def test_myself_as_the_reference_prints_it(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json(MYSELF)

    me = admin.myself()

    assert me == Person(
        id="1234567890", display_name="<First and Last name>", nickname="<user_login>", email="<login@yandex.ru>"
    )
    assert admin.answer_shapes() == {"GET /v2/myself": "a one-element list"}


def test_myself_as_an_object(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json(MYSELF[0])

    assert admin.myself().id == "1234567890"
    assert admin.answer_shapes() == {"GET /v2/myself": "an object"}


def test_a_list_of_other_than_one_is_refused(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json(MYSELF * 2)

    with pytest.raises(PermanentFailure, match="unexpected answer to GET /v2/myself"):
        admin.myself()


def test_an_added_comment_as_the_reference_prints_it(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request(f"/v2/issues/{KEY}/comments", method="POST").respond_with_json(ADDED_COMMENT, 201)

    assert tracker.add_comment(KEY, "**Олег** (Пачка): Проверил") == "626"
    assert tracker.answer_shapes() == {"POST /v2/issues/{key}/comments": "a one-element list"}


def test_an_added_comment_as_an_object(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request(f"/v2/issues/{KEY}/comments", method="POST").respond_with_json(ADDED_COMMENT[0], 201)

    assert tracker.add_comment(KEY, "текст") == "626"


@pytest.mark.parametrize("stored", [NONE_MATCH_AS_IN_THE_EXAMPLE, NONE_MATCH_AS_IN_THE_TABLE])
def test_a_trigger_read_back_in_either_spelling_is_no_difference(
    httpserver: HTTPServer, admin: HttpTrackerAdmin, stored: dict[str, object]
) -> None:
    """The round trip: the bridge writes `words`; Tracker may keep `word` (its table) or `words` (its example)."""
    written = [dict(condition) for condition in conditions(COMMENT_SPEC)]
    kept = [c if c["type"] != "CommentNoneMatchCondition" else {**copy.deepcopy(stored), "id": 4} for c in written]
    for condition in kept:
        if condition["type"] == "CommentAuthorNot":
            condition["user"] = {"id": "1120000000016876", "display": "Робот"}
    action = {
        "type": "Webhook",
        "id": 1,
        "endpoint": PUBLIC_URL,
        "method": "POST",
        "contentType": "application/json; charset=UTF-8",
        "authContext": {"type": "noauth"},
        "headers": {"X-Tracker-Secret": "trigger-secret"},
        "body": '{"type":"issueCommentEvent","issue":{"key":"{{issue.key}}"},"comment":{"id":"{{userComment.id}}"}}',
    }
    answer = {"id": 5, "version": 1, "name": COMMENT_TRIGGER, "active": True, "conditions": kept, "actions": [action]}
    httpserver.expect_request(TRIGGERS, method="GET").respond_with_json([answer])

    [trigger] = admin.triggers("SERVICEDESK")

    assert admin.trigger_differences(COMMENT_SPEC, trigger) == []
    spelling = "words" if "words" in stored else "word"
    assert trigger.notes == (f"internal-note words stored as `{spelling}`",)


def test_a_trigger_whose_words_differ_is_a_difference(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    kept = [*conditions(COMMENT_SPEC)[:-1], {**NONE_MATCH_AS_IN_THE_TABLE, "word": ["#другое"]}]
    answer = {"id": 5, "version": 1, "name": COMMENT_TRIGGER, "active": True, "conditions": kept, "actions": []}
    httpserver.expect_request(TRIGGERS, method="GET").respond_with_json([answer])

    [trigger] = admin.triggers("SERVICEDESK")

    assert "conditions" in admin.trigger_differences(COMMENT_SPEC, trigger)
