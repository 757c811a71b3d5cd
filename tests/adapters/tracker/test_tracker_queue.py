"""HttpTrackerAdmin (a queue's settings) over real HTTP: what they return, and what the services receive."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request

from adapters.tracker.client import tracker_client
from adapters.tracker.queue import HttpTrackerAdmin
from adapters.tracker.triggers import StoredTrigger
from application.admin.setup import bridge_triggers
from domain.people import Person
from domain.tickets import LINK_FIELDS
from ports.admin import LocalField, Queue, TrackerAdmin
from ports.errors import NotFound, OutcomeUnknown, PermanentFailure
from ports.triggers import Trigger
from tests.application.admin.test_setup import COMMENT_TRIGGER

TOKEN = "tracker-secret-token"
ORG = "7654321"
PREFIX = "6063181a59590578909db920"
TRIGGERS = "/v2/queues/SERVICEDESK/triggers"
PUBLIC_URL = "https://functions.yandexcloud.net/d4e0000000000000000"
COMMENT_SPEC, STATUS_SPEC, ASSIGNEE_SPEC = bridge_triggers(PUBLIC_URL, "trigger-secret", "robot-sd")


def stored_trigger(trigger_id: int, name: str, version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "id": trigger_id,
        "self": f"https://api.tracker.yandex.net{TRIGGERS}/{trigger_id}",
        "queue": {"self": "…", "id": "111", "key": "SERVICEDESK", "display": "Служба поддержки"},
        "name": name,
        "order": "0.0002",
        "actions": [{"type": "Webhook", "id": 1, "endpoint": PUBLIC_URL}],
        "conditions": [{"type": "Event.update"}],
        "version": version,
        "active": True,
        **extra,
    }


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def admin(httpserver: HTTPServer, sleeps: list[float]) -> HttpTrackerAdmin:
    client = tracker_client(requests.Session(), httpserver.url_for("/"), TOKEN, org_id=ORG, sleep=sleeps.append)
    return HttpTrackerAdmin(client)


def received(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


def only_request(httpserver: HTTPServer) -> Request:
    (request,) = received(httpserver)
    return request


def body_of(request: Request) -> Any:
    return json.loads(request.get_data())


def test_implements_the_port(admin: HttpTrackerAdmin) -> None:
    assert isinstance(admin, TrackerAdmin)


def test_myself_sends_the_token_and_the_org(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json(
        {"self": "…", "uid": 1120000000016876, "login": "robot-sd", "display": "Робот", "email": "robot@bnovo.ru"}
    )

    assert admin.myself() == Person(
        id="1120000000016876", display_name="Робот", nickname="robot-sd", email="robot@bnovo.ru"
    )
    request = only_request(httpserver)
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert request.headers["X-Org-ID"] == ORG


def test_queue(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/queues/SERVICEDESK", method="GET").respond_with_json(
        {"self": "…", "id": 111, "key": "SERVICEDESK", "version": 5, "name": "Служба поддержки"}
    )

    assert admin.queue("SERVICEDESK") == Queue("SERVICEDESK", "Служба поддержки")


def test_an_unknown_queue_is_not_found(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/queues/NOPE", method="GET").respond_with_json(
        {"errorMessages": ["Очередь не существует."], "statusCode": 404}, status=404
    )

    with pytest.raises(NotFound):
        admin.queue("NOPE")


def test_local_fields_short_keys(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/queues/SERVICEDESK/localFields", method="GET").respond_with_json(
        [
            {"type": "local", "id": f"{PREFIX}--pachcaMessageId", "key": "pachcaMessageId", "version": 1},
            {"type": "local", "id": f"{PREFIX}--pachcaChatId", "version": 1},  # no key: taken from the id
        ]
    )

    assert admin.local_fields("SERVICEDESK") == [
        LocalField(f"{PREFIX}--pachcaMessageId", "pachcaMessageId"),
        LocalField(f"{PREFIX}--pachcaChatId", "pachcaChatId"),
    ]


def test_create_local_field_sends_a_string_field(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request("/v2/queues/SERVICEDESK/localFields", method="POST").respond_with_json(
        {"type": "local", "id": f"{PREFIX}--pachcaMessageId", "key": "pachcaMessageId", "version": 1}
    )

    field = admin.create_local_field("SERVICEDESK", LINK_FIELDS[0])

    assert field == LocalField(f"{PREFIX}--pachcaMessageId", "pachcaMessageId")
    assert body_of(only_request(httpserver)) == {
        "id": "pachcaMessageId",
        "name": {"en": "Pachca message id", "ru": "ID сообщения в Пачке"},
        "category": "000000000000000000000003",
        "type": "ru.yandex.startrek.core.fields.StringFieldType",
        "description": "Set by the Pachca bridge",
        "readonly": False,
    }


def test_a_create_whose_answer_is_lost_is_not_repeated(
    httpserver: HTTPServer, admin: HttpTrackerAdmin, sleeps: list[float]
) -> None:
    httpserver.expect_request("/v2/queues/SERVICEDESK/localFields", method="POST").respond_with_data("", status=503)

    with pytest.raises(OutcomeUnknown):
        admin.create_local_field("SERVICEDESK", LINK_FIELDS[0])

    assert len(received(httpserver)) == 1
    assert sleeps == []


def test_triggers_walk_every_page(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    pages = {"X-Total-Pages": "2", "X-Total-Count": "3"}
    httpserver.expect_ordered_request(TRIGGERS, method="GET", query_string="perPage=100&page=1").respond_with_json(
        [stored_trigger(1, "Escalate"), stored_trigger(2, COMMENT_TRIGGER, version=4)], headers=pages
    )
    group = {"type": "And", "conditions": [{"type": "Event.update"}]}  # a single group, not a list
    httpserver.expect_ordered_request(TRIGGERS, method="GET", query_string="perPage=100&page=2").respond_with_json(
        [stored_trigger(9, "Notify", active=False, conditions=group)], headers=pages
    )

    triggers = admin.triggers("SERVICEDESK")

    assert [(t.id, t.name, t.version, t.active) for t in triggers] == [
        ("1", "Escalate", 1, True),
        ("2", COMMENT_TRIGGER, 4, True),
        ("9", "Notify", 1, False),
    ]
    assert isinstance(triggers[1], StoredTrigger) and isinstance(triggers[2], StoredTrigger)
    assert triggers[1].actions == ({"type": "Webhook", "id": 1, "endpoint": PUBLIC_URL},)
    assert triggers[2].conditions == (group,)
    assert len(received(httpserver)) == 2


def test_create_trigger_sends_the_spec(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request(TRIGGERS, method="POST").respond_with_json(stored_trigger(5, COMMENT_TRIGGER))

    created = admin.create_trigger("SERVICEDESK", COMMENT_SPEC)

    assert (created.id, created.version) == ("5", 1)
    assert body_of(only_request(httpserver)) == {
        "name": "pachca-bridge: comment created",
        "active": True,
        "conditions": [
            {"type": "Event.comment-create"},
            {"type": "CommentAuthorNot", "user": "robot-sd"},
            {"type": "CommentMessageInternal"},
            {"type": "CommentNoneMatchCondition", "words": ["#внутр", "#internal"], "ignoreCase": True},
        ],
        "actions": [
            {
                "type": "Webhook",
                "endpoint": PUBLIC_URL,
                "method": "POST",
                "contentType": "application/json; charset=UTF-8",
                "authContext": {"type": "noauth"},
                "headers": {"X-Tracker-Secret": "trigger-secret"},
                "body": '{"type":"issueCommentEvent","issue":{"key":"{{issue.key}}"},'
                '"comment":{"id":"{{userComment.id}}"}}',
            }
        ],
    }


def test_update_trigger_patches_at_the_version_read(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request(f"{TRIGGERS}/7", method="PATCH", query_string="version=3").respond_with_json(
        stored_trigger(7, STATUS_SPEC.name, version=4)
    )
    current = Trigger(id="7", version=3, name=STATUS_SPEC.name, active=False)

    updated = admin.update_trigger("SERVICEDESK", current, STATUS_SPEC)

    assert updated.version == 4
    body = body_of(only_request(httpserver))
    assert body["name"] == "pachca-bridge: status changed"
    assert body["active"] is True
    assert body["conditions"] == [{"type": "Event.update"}, {"type": "FieldChangedCondition", "field": "status"}]
    assert body["actions"][0]["body"] == '{"type":"issueStatusEvent","issue":{"key":"{{issue.key}}"}}'


def test_a_version_conflict_is_permanent_and_sent_once(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request(f"{TRIGGERS}/7", method="PATCH").respond_with_json(
        {"errorMessages": ["version conflict"], "statusCode": 409}, status=409
    )

    with pytest.raises(PermanentFailure) as raised:
        admin.update_trigger("SERVICEDESK", Trigger(id="7", version=3, name="x", active=True), STATUS_SPEC)

    assert raised.value.status == 409
    assert len(received(httpserver)) == 1
    assert "trigger-secret" not in str(raised.value)


def test_an_unreadable_answer_is_a_permanent_failure(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    httpserver.expect_request(TRIGGERS, method="GET").respond_with_json({"not": "a list"})

    with pytest.raises(PermanentFailure, match="unexpected answer to GET /v2/queues/SERVICEDESK/triggers"):
        admin.triggers("SERVICEDESK")


def test_queues_reads_every_page_the_robot_can_see(httpserver: HTTPServer, admin: HttpTrackerAdmin) -> None:
    def page(n: int, keys: list[str]) -> None:
        body = [
            {"self": "…", "id": str(i), "key": key, "name": f"Очередь {key}", "version": 3}
            for i, key in enumerate(keys)
        ]
        httpserver.expect_ordered_request(
            "/v2/queues", method="GET", query_string={"perPage": "100", "page": str(n)}
        ).respond_with_json(body, headers={"X-Total-Pages": "2", "X-Total-Count": "3"})

    page(1, ["SERVICEDESK", "IT"])
    page(2, ["HR"])

    assert admin.queues() == [
        Queue("SERVICEDESK", "Очередь SERVICEDESK"),
        Queue("IT", "Очередь IT"),
        Queue("HR", "Очередь HR"),
    ]
    assert [r.headers["X-Org-ID"] for r in received(httpserver)] == [ORG, ORG]
