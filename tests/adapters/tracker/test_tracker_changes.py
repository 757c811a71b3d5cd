"""The issue changes the help-desk features make, over real HTTP: a local field, the assignee, a link."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from adapters.tracker.issues import HttpIssueTracker
from ports.errors import OutcomeUnknown, PermanentFailure
from ports.tracker import IssueChanges
from tests.adapters.tracker.test_tracker import ISSUE, KEY, PREFIX, body_of, only_request, received
from tests.adapters.tracker.test_tracker import sleeps as sleeps
from tests.adapters.tracker.test_tracker import tracker as tracker

OTHER = type(KEY)("SERVICEDESK-7")


def test_implements_the_port(tracker: HttpIssueTracker) -> None:
    assert isinstance(tracker, IssueChanges)


def test_a_local_field_is_patched_by_its_full_id(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42", method="PATCH").respond_with_json(ISSUE)

    tracker.set_local_fields(KEY, {f"{PREFIX}--pachcaRating": "5"})

    assert body_of(only_request(httpserver)) == {f"{PREFIX}--pachcaRating": "5"}


def test_the_same_patch_is_retried_after_a_server_error(
    httpserver: HTTPServer, tracker: HttpIssueTracker, sleeps: list[float]
) -> None:
    path = "/v2/issues/SERVICEDESK-42"
    httpserver.expect_ordered_request(path, method="PATCH").respond_with_data("", status=503)
    httpserver.expect_ordered_request(path, method="PATCH").respond_with_json(ISSUE)

    tracker.assign(KEY, "iivanov")

    assert [body_of(r) for r in received(httpserver)] == [{"assignee": "iivanov"}] * 2 and len(sleeps) == 1


def test_a_link_names_the_relationship_and_the_other_issue(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/links"
    httpserver.expect_request(path, method="POST").respond_with_json({"id": 1}, status=201)

    tracker.link(KEY, "duplicates", OTHER)

    assert body_of(only_request(httpserver)) == {"relationship": "duplicates", "issue": "SERVICEDESK-7"}


def test_a_link_that_exists_already_is_taken_as_done(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/links"
    httpserver.expect_request(path, method="POST").respond_with_json({"statusCode": 409}, status=409)

    tracker.link(KEY, "duplicates", OTHER)

    assert len(received(httpserver)) == 1


def test_a_link_is_never_sent_twice_blindly(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/links"
    httpserver.expect_request(path, method="POST").respond_with_data("", status=503)

    with pytest.raises(OutcomeUnknown):
        tracker.link(KEY, "duplicates", OTHER)
    assert len(received(httpserver)) == 1


def test_a_refused_link_is_a_permanent_failure(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/links"
    httpserver.expect_request(path, method="POST").respond_with_json({"statusCode": 403}, status=403)

    with pytest.raises(PermanentFailure):
        tracker.link(KEY, "duplicates", OTHER)
