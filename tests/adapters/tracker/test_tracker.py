from __future__ import annotations

import json

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request

from adapters.http.client import HttpClient
from adapters.tracker.client import tracker_client
from adapters.tracker.issues import HttpIssueTracker
from domain.comments import TrackerComment
from domain.people import Person
from domain.tickets import NewIssue, TicketKey
from ports.errors import OutcomeUnknown, PermanentFailure, ResolutionRefused
from ports.tracker import IssueInfo, IssueTracker, Transition

TOKEN = "tracker-secret-token"
ORG = "7654321"
KEY = TicketKey("SERVICEDESK-42")
PREFIX = "6063181a59590578909db920"
FIELD_IDS = {
    "pachcaMessageId": f"{PREFIX}--pachcaMessageId",
    "pachcaChatId": f"{PREFIX}--pachcaChatId",
    "pachcaUserId": f"{PREFIX}--pachcaUserId",
}
NEW_ISSUE = NewIssue(
    queue="SERVICEDESK",
    summary="Не работает вход в 1С",
    description="Не работает вход в 1С, ошибка 403.",
    unique="pachca-message-56431",
    tags=("Создана в Пачке",),
    local_fields={
        "pachcaMessageId": "56431",
        "pachcaChatId": "918264",
        "pachcaUserId": "134412",
        "pachcaThreadId": "265142",
    },
)
ISSUE = {
    "self": "https://api.tracker.yandex.net/v2/issues/SERVICEDESK-42",
    "id": "593cd211ef7e8a332414f2a7",
    "key": "SERVICEDESK-42",
    "version": 3,
    "summary": "Не работает вход в 1С",
    "status": {"self": "…", "id": "3", "key": "inProgress", "display": "В работе"},
    "updatedAt": "2017-06-11T05:16:01.339+0000",
    "updatedBy": {"self": "…", "id": "1120000000016876", "display": "Robot"},
    "createdBy": {"self": "…", "id": "1120000000016876", "display": "Robot"},
    "unique": "pachca-message-56431",
    f"{PREFIX}--pachcaMessageId": "56431",
    f"{PREFIX}--pachcaThreadId": 265142,
    f"{PREFIX}--odd--pachcaChatId": "918264",  # split on the last `--`
    f"{PREFIX}--pachcaUserId": None,  # unset: left out
    f"{PREFIX}--owner": {"id": "1", "display": "Robot"},  # not a scalar: left out
    "tags": ["Создана в Пачке"],
}
COMMENT = {
    "self": "…/v2/issues/SERVICEDESK-42/comments/626",
    "id": 626,
    "longId": "5fa15a24ac894475dd14ff07",
    "text": "Проверил, всё работает.",
    "createdBy": {"self": "…", "id": "1120000000049224", "display": "Иван Иванов", "login": "ivanov"},
    "createdAt": "2020-11-03T13:24:52.575+0000",
}
USER = {
    "self": "https://api.tracker.yandex.net/v2/users/1234567890",
    "uid": 1234567890,
    "login": "ivanov",
    "display": "Иван Иванов",
    "email": "ivanov@bnovo.ru",
}


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def tracker(httpserver: HTTPServer, sleeps: list[float]) -> HttpIssueTracker:
    client = tracker_client(requests.Session(), httpserver.url_for("/"), TOKEN, org_id=ORG, sleep=sleeps.append)
    return HttpIssueTracker(client)


def received(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


def only_request(httpserver: HTTPServer) -> Request:
    requests_seen = received(httpserver)
    assert len(requests_seen) == 1, [r.path for r in requests_seen]
    request = requests_seen[0]
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert request.headers["X-Org-ID"] == ORG
    assert "X-Cloud-Org-ID" not in request.headers
    return request


def body_of(request: Request) -> object:
    return json.loads(request.get_data())


def test_implements_the_port(tracker: HttpIssueTracker) -> None:
    assert isinstance(tracker, IssueTracker)


def test_cloud_org_sends_only_the_cloud_header(httpserver: HTTPServer) -> None:
    client = tracker_client(requests.Session(), httpserver.url_for("/"), TOKEN, cloud_org_id="bpf123")
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json(USER)

    HttpIssueTracker(client).myself()

    (request,) = received(httpserver)
    assert request.headers["X-Cloud-Org-ID"] == "bpf123"
    assert "X-Org-ID" not in request.headers
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"


@pytest.mark.parametrize(("org_id", "cloud_org_id"), [(None, None), ("1", "bpf1"), ("", "")])
def test_exactly_one_org_is_required(org_id: str | None, cloud_org_id: str | None) -> None:
    with pytest.raises(ValueError, match="exactly one") as caught:
        tracker_client(requests.Session(), "http://tracker", TOKEN, org_id=org_id, cloud_org_id=cloud_org_id)
    assert TOKEN not in str(caught.value)


def test_client_is_the_shared_policy(httpserver: HTTPServer) -> None:
    client = tracker_client(requests.Session(), httpserver.url_for("/"), TOKEN, org_id=ORG, timeout=4.0)
    assert isinstance(client, HttpClient)
    assert client.service == "tracker"
    assert client.timeout == 4.0


def test_myself(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json(USER)

    me = tracker.myself()

    assert me == Person(id="1234567890", display_name="Иван Иванов", nickname="ivanov", email="ivanov@bnovo.ru")
    assert only_request(httpserver).path == "/v2/myself"


def test_local_field_ids_map_short_keys_to_full_ids(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/queues/SERVICEDESK/localFields", method="GET").respond_with_json(
        [
            {"type": "local", "id": f"{PREFIX}--pachcaMessageId", "key": "pachcaMessageId", "version": 1},
            {"type": "local", "id": f"{PREFIX}--pachcaChatId", "key": "pachcaChatId", "version": 1},
        ]
    )

    ids = tracker.local_field_ids("SERVICEDESK")

    assert ids == {"pachcaMessageId": f"{PREFIX}--pachcaMessageId", "pachcaChatId": f"{PREFIX}--pachcaChatId"}
    assert only_request(httpserver).method == "GET"


def test_create_issue_sends_local_fields_by_full_id(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/", method="POST").respond_with_json(ISSUE, status=201)

    key = tracker.create_issue(NEW_ISSUE, FIELD_IDS)

    assert key == KEY
    request = only_request(httpserver)
    assert request.headers["Content-Type"] == "application/json"
    assert body_of(request) == {
        "queue": "SERVICEDESK",
        "summary": "Не работает вход в 1С",
        "description": "Не работает вход в 1С, ошибка 403.",
        "markupType": "md",
        "tags": ["Создана в Пачке"],
        "unique": "pachca-message-56431",
        f"{PREFIX}--pachcaMessageId": "56431",
        f"{PREFIX}--pachcaChatId": "918264",
        f"{PREFIX}--pachcaUserId": "134412",
    }  # pachcaThreadId has no id in FIELD_IDS: left out


def test_create_issue_conflict_returns_the_issue_with_the_same_unique(
    httpserver: HTTPServer, tracker: HttpIssueTracker
) -> None:
    httpserver.expect_request("/v2/issues/", method="POST").respond_with_json(
        {"errorMessages": ["duplicate unique"], "statusCode": 409}, status=409
    )
    httpserver.expect_request(
        "/v2/issues/_findByUnique", method="POST", query_string={"unique": "pachca-message-56431"}
    ).respond_with_json(ISSUE)

    key = tracker.create_issue(NEW_ISSUE, FIELD_IDS)

    assert key == KEY
    creates = [r for r in received(httpserver) if r.path == "/v2/issues/"]
    finds = [r for r in received(httpserver) if r.path == "/v2/issues/_findByUnique"]
    assert len(creates) == 1
    assert len(finds) == 1
    assert finds[0].headers["X-Org-ID"] == ORG


def test_create_issue_conflict_without_such_unique_is_permanent(
    httpserver: HTTPServer, tracker: HttpIssueTracker
) -> None:
    httpserver.expect_request("/v2/issues/", method="POST").respond_with_json({"statusCode": 409}, status=409)
    httpserver.expect_request("/v2/issues/_findByUnique", method="POST").respond_with_json(
        {"statusCode": 404}, status=404
    )

    with pytest.raises(PermanentFailure) as caught:
        tracker.create_issue(NEW_ISSUE, FIELD_IDS)

    assert caught.value.status == 409
    assert [r.path for r in received(httpserver)] == ["/v2/issues/", "/v2/issues/_findByUnique"]


def test_create_issue_other_client_errors_are_not_read_as_conflicts(
    httpserver: HTTPServer, tracker: HttpIssueTracker
) -> None:
    httpserver.expect_request("/v2/issues/", method="POST").respond_with_json({"statusCode": 422}, status=422)

    with pytest.raises(PermanentFailure) as caught:
        tracker.create_issue(NEW_ISSUE, FIELD_IDS)

    assert caught.value.status == 422
    assert only_request(httpserver).path == "/v2/issues/"


def test_create_issue_is_retried_after_a_server_error(
    httpserver: HTTPServer, tracker: HttpIssueTracker, sleeps: list[float]
) -> None:
    httpserver.expect_oneshot_request("/v2/issues/", method="POST").respond_with_data("boom", status=500)
    httpserver.expect_request("/v2/issues/", method="POST").respond_with_json(ISSUE, status=201)

    key = tracker.create_issue(NEW_ISSUE, FIELD_IDS)

    assert key == KEY
    bodies = [body_of(r) for r in received(httpserver)]
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]
    assert len(sleeps) == 1


def test_find_issue_by_message(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/_search", method="POST").respond_with_json([ISSUE])

    key = tracker.find_issue_by_message("SERVICEDESK", 56431)

    assert key == KEY
    assert body_of(only_request(httpserver)) == {"query": 'Queue: SERVICEDESK SERVICEDESK.pachcaMessageId: "56431"'}


def test_find_issue_by_message_none_found(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/_search", method="POST").respond_with_json([])

    assert tracker.find_issue_by_message("SERVICEDESK", 1) is None


def test_get_issue_reads_status_and_local_fields(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42", method="GET").respond_with_json(ISSUE)

    info = tracker.get_issue(KEY)

    assert info == IssueInfo(
        key=KEY,
        summary="Не работает вход в 1С",
        status_key="inProgress",
        status_display="В работе",
        updated_at="2017-06-11T05:16:01.339+0000",
        updated_by_id="1120000000016876",
        local_fields={"pachcaMessageId": "56431", "pachcaThreadId": "265142", "pachcaChatId": "918264"},
        created_by_id="1120000000016876",
    )
    assert only_request(httpserver).method == "GET"


def test_get_issue_reads_its_assignee(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    """Tracker's reference, «Get issue parameters»: `assignee` is a user reference (`id`, `display`)."""
    assignee = {"self": "https://api.tracker.yandex.net/v2/users/1130000000000412", "id": "1130000000000412",
                "display": "Олег Петров"}  # fmt: skip
    httpserver.expect_request("/v2/issues/SERVICEDESK-42", method="GET").respond_with_json(
        {**ISSUE, "assignee": assignee}
    )

    info = tracker.get_issue(KEY)

    assert info.assignee == Person("1130000000000412", "Олег Петров", None)


def test_an_unreadable_answer_is_a_port_error(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42", method="GET").respond_with_data("<html>", status=200)

    with pytest.raises(PermanentFailure, match="unexpected answer"):
        tracker.get_issue(KEY)


def test_add_comment(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/comments", method="POST").respond_with_json(
        COMMENT, status=201
    )

    comment_id = tracker.add_comment(KEY, "**Олег** (Пачка):\n\nСпасибо", summonees=["ivanov"])

    assert comment_id == "626"
    request = only_request(httpserver)
    assert request.args.to_dict() == {"isAddToFollowers": "false"}
    assert body_of(request) == {"text": "**Олег** (Пачка):\n\nСпасибо", "summonees": ["ivanov"], "markupType": "md"}


def test_add_comment_without_summonees_leaves_them_out(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/comments", method="POST").respond_with_json(
        {**COMMENT, "id": "627"}, status=201
    )

    assert tracker.add_comment(KEY, "текст") == "627"
    assert body_of(only_request(httpserver)) == {"text": "текст", "markupType": "md"}


def test_add_comment_server_error_is_outcome_unknown_without_retry(
    httpserver: HTTPServer, tracker: HttpIssueTracker, sleeps: list[float]
) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/comments", method="POST").respond_with_data("", status=500)

    with pytest.raises(OutcomeUnknown):
        tracker.add_comment(KEY, "текст")

    assert len(received(httpserver)) == 1
    assert sleeps == []


def test_get_comment(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/comments/626", method="GET").respond_with_json(COMMENT)

    comment = tracker.get_comment(KEY, "626")

    assert comment == TrackerComment(
        issue_key=KEY,
        comment_id="626",
        author=Person(id="1120000000049224", display_name="Иван Иванов", nickname="ivanov"),
        text="Проверил, всё работает.",
        created_at="2020-11-03T13:24:52.575+0000",  # the recovery pass skips comments older than its window
    )
    assert only_request(httpserver).method == "GET"


def test_recent_comments(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    robot = {"id": 1120000000016876, "display": "Robot"}
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/comments", method="GET").respond_with_json(
        [COMMENT, {"id": "684", "text": "Ответ", "createdBy": robot}]
    )

    comments = tracker.recent_comments(KEY)

    assert [(c.comment_id, c.text, c.author.id, c.author.nickname) for c in comments] == [
        ("626", "Проверил, всё работает.", "1120000000049224", "ivanov"),
        ("684", "Ответ", "1120000000016876", None),
    ]
    assert only_request(httpserver).args.to_dict() == {"perPage": "50"}


def test_transitions(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/transitions", method="GET").respond_with_json(
        [
            {
                "id": "start_progress",
                "self": "…",
                "display": "В работу",
                "to": {"self": "…", "id": "3", "key": "inProgress", "display": "В работе"},
            },
            {"id": "close", "display": "Закрыть", "to": {"id": "4", "key": "closed", "display": "Закрыт"}},
        ]
    )

    transitions = tracker.transitions(KEY)

    assert transitions == [
        Transition(id="start_progress", display="В работу", to_key="inProgress", to_display="В работе"),
        Transition(id="close", display="Закрыть", to_key="closed", to_display="Закрыт"),
    ]
    assert only_request(httpserver).method == "GET"


def test_execute_transition_with_comment(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/transitions/close/_execute"
    httpserver.expect_request(path, method="POST").respond_with_json([])

    tracker.execute_transition(KEY, "close", comment="Закрыто из Пачки")

    assert body_of(only_request(httpserver)) == {"comment": "Закрыто из Пачки"}


def test_execute_transition_with_a_resolution(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/transitions/close/_execute"
    httpserver.expect_request(path, method="POST").respond_with_json([])

    tracker.execute_transition(KEY, "close", resolution="fixed")

    assert body_of(only_request(httpserver)) == {"resolution": "fixed"}


@pytest.mark.parametrize("status", [400, 422])
def test_a_refused_resolution_is_its_own_port_error(
    httpserver: HTTPServer, tracker: HttpIssueTracker, status: int
) -> None:
    path = "/v2/issues/SERVICEDESK-42/transitions/close/_execute"
    refusal = {"errors": {"resolution": "Поле не может быть изменено"}, "statusCode": status}
    httpserver.expect_request(path, method="POST").respond_with_json(refusal, status=status)

    with pytest.raises(ResolutionRefused):
        tracker.execute_transition(KEY, "close", resolution="fixed")


def test_a_400_without_a_resolution_is_a_plain_permanent_failure(
    httpserver: HTTPServer, tracker: HttpIssueTracker
) -> None:
    path = "/v2/issues/SERVICEDESK-42/transitions/close/_execute"
    httpserver.expect_request(path, method="POST").respond_with_json({"statusCode": 422}, status=422)

    with pytest.raises(PermanentFailure) as raised:
        tracker.execute_transition(KEY, "close")
    assert not isinstance(raised.value, ResolutionRefused)


def test_status_types_map_each_status_key_to_its_type(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    statuses = [
        {"self": "…/v2/statuses/1", "id": 1, "version": 1, "key": "open", "name": "Open", "order": 200, "type": "new"},
        {"self": "…/v2/statuses/9", "id": 9, "key": "triage", "name": "Разбор", "type": "paused"},
        {"self": "…/v2/statuses/12", "id": 12, "key": "shipped", "name": "Отгружено", "type": "done"},
        {"self": "…/v2/statuses/13", "id": 13, "key": "legacy", "name": "Без типа"},  # no type: left out
    ]
    httpserver.expect_request("/v2/statuses", method="GET").respond_with_json(statuses)

    assert tracker.status_types() == {"open": "new", "triage": "paused", "shipped": "done"}


def test_execute_transition_without_comment(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    path = "/v2/issues/SERVICEDESK-42/transitions/start_progress/_execute"
    httpserver.expect_request(path, method="POST").respond_with_json([])

    tracker.execute_transition(KEY, "start_progress")

    assert body_of(only_request(httpserver)) == {}


def test_execute_transition_is_not_retried(
    httpserver: HTTPServer, tracker: HttpIssueTracker, sleeps: list[float]
) -> None:
    path = "/v2/issues/SERVICEDESK-42/transitions/close/_execute"
    httpserver.expect_request(path, method="POST").respond_with_data("", status=503)

    with pytest.raises(OutcomeUnknown):
        tracker.execute_transition(KEY, "close")

    assert len(received(httpserver)) == 1
    assert sleeps == []


def test_open_issues_of(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    other = {**ISSUE, "key": "SERVICEDESK-7", "status": {"key": "open", "display": "Открыт"}, "updatedBy": None}
    other["createdBy"] = {"self": "…", "id": "1130000007986051", "display": "Мария Соколова"}  # made by hand
    httpserver.expect_request("/v2/issues/_search", method="POST").respond_with_json([ISSUE, other])

    issues = tracker.open_issues_of("SERVICEDESK", 134412)

    assert [(i.key, i.status_key, i.updated_by_id, i.created_by_id) for i in issues] == [
        (KEY, "inProgress", "1120000000016876", "1120000000016876"),
        (TicketKey("SERVICEDESK-7"), "open", None, "1130000007986051"),
    ]
    request = only_request(httpserver)
    assert request.args.to_dict() == {"perPage": "50"}
    assert body_of(request) == {
        "query": 'Queue: SERVICEDESK SERVICEDESK.pachcaUserId: "134412" Resolution: empty() "Sort by": Updated DESC'
    }


@pytest.mark.parametrize("answer", [USER, [USER]], ids=["object", "list"])
def test_get_user(httpserver: HTTPServer, tracker: HttpIssueTracker, answer: object) -> None:
    httpserver.expect_request("/v2/users/ivanov", method="GET").respond_with_json(answer)

    user = tracker.get_user("ivanov")

    assert user == Person(id="1234567890", display_name="Иван Иванов", nickname="ivanov", email="ivanov@bnovo.ru")
    assert only_request(httpserver).method == "GET"


def test_get_user_unknown_is_none(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/users/nobody", method="GET").respond_with_json({"statusCode": 404}, status=404)

    assert tracker.get_user("nobody") is None
    assert len(received(httpserver)) == 1


def test_token_never_appears_in_errors(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/myself", method="GET").respond_with_json({"errorMessages": ["nope"]}, status=401)

    with pytest.raises(PermanentFailure) as caught:
        tracker.myself()

    assert caught.value.status == 401
    assert TOKEN not in str(caught.value)


def test_a_login_of_digits_is_looked_up_as_a_login_not_a_uid(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/users/login:100500", method="GET").respond_with_json(
        {"uid": 1234567890, "login": "100500", "display": "Сто Пятьсот", "email": "100500@example.com"}
    )

    user = tracker.get_user("100500")

    assert user is not None and user.nickname == "100500"
    [(request, _)] = httpserver.log
    assert request.path == "/v2/users/login:100500"
