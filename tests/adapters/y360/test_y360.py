from __future__ import annotations

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request

from adapters.http.client import HttpClient
from adapters.y360.directory import HttpUserDirectory, y360_client
from domain.people import Person
from ports.admin import DirectoryAdmin
from ports.directory import UserDirectory
from ports.errors import PermanentFailure, TransientFailure

TOKEN = "y360-secret-token"
ORG = "8123456"
USERS_PATH = f"/directory/v1/org/{ORG}/users"
PAGE_SIZE = 2


def user(nickname: str, first: str = "", last: str = "", uid: str | int = "1130000007986051") -> dict[str, object]:
    return {
        "id": uid,
        "nickname": nickname,
        "departmentId": 1,
        "email": f"{nickname}@bnovo.ru",
        "name": {"first": first, "last": last, "middle": ""},
        "isRobot": False,
    }


PAGES = [
    [user("petrov", "Олег", "Петров"), user("sidorova", "Анна", "Сидорова")],
    [user("robot-tracker"), user("Ivanov", "Иван", "Иванов", uid=1130000007986099)],
    [user("zaytsev", "Пётр", "Зайцев")],
]


@pytest.fixture
def directory(httpserver: HTTPServer) -> HttpUserDirectory:
    for number, users in enumerate(PAGES, start=1):
        httpserver.expect_request(
            USERS_PATH, method="GET", query_string={"page": str(number), "perPage": str(PAGE_SIZE)}
        ).respond_with_json({"users": users, "page": number, "pages": len(PAGES), "perPage": PAGE_SIZE, "total": 5})
    client = y360_client(requests.Session(), httpserver.url_for("/"), TOKEN, sleep=lambda _: None)
    return HttpUserDirectory(client, ORG, page_size=PAGE_SIZE)


def find(directory: HttpUserDirectory, login: str) -> Person | None:
    """How the application reads the directory: walking `people()` only as far as it needs."""
    return next((p for p in directory.people() if (p.nickname or "").casefold() == login.casefold()), None)


def pages_requested(httpserver: HTTPServer) -> list[str]:
    return [request.args["page"] for request, _ in httpserver.log]


def test_implements_the_port(directory: HttpUserDirectory) -> None:
    assert isinstance(directory, UserDirectory)


def test_client_is_the_shared_policy() -> None:
    client = y360_client(requests.Session(), "https://api360.yandex.net", TOKEN)
    assert isinstance(client, HttpClient)
    assert client.service == "y360"
    assert client.headers == {"Authorization": f"OAuth {TOKEN}"}


def test_finds_on_the_first_page_without_reading_further(httpserver: HTTPServer, directory: HttpUserDirectory) -> None:
    person = find(directory, "petrov")

    assert person == Person(
        id="1130000007986051", display_name="Олег Петров", nickname="petrov", email="petrov@bnovo.ru"
    )
    assert pages_requested(httpserver) == ["1"]
    (request, _) = httpserver.log[0]
    assert request.path == USERS_PATH
    assert request.args.to_dict() == {"page": "1", "perPage": str(PAGE_SIZE)}
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"


def test_stops_at_the_page_holding_the_login_matching_case_insensitively(
    httpserver: HTTPServer, directory: HttpUserDirectory
) -> None:
    person = find(directory, "ivanov")

    assert person == Person(
        id="1130000007986099", display_name="Иван Иванов", nickname="Ivanov", email="Ivanov@bnovo.ru"
    )
    assert pages_requested(httpserver) == ["1", "2"]


def test_absent_login_reads_every_page_once_then_gives_none(
    httpserver: HTTPServer, directory: HttpUserDirectory
) -> None:
    assert find(directory, "nobody") is None
    assert pages_requested(httpserver) == ["1", "2", "3"]


def test_a_person_without_a_name_is_shown_by_login(httpserver: HTTPServer, directory: HttpUserDirectory) -> None:
    person = find(directory, "robot-tracker")

    assert person is not None
    assert person.display_name == "robot-tracker"


def test_an_empty_page_ends_the_walk(httpserver: HTTPServer) -> None:
    httpserver.expect_request(USERS_PATH, method="GET").respond_with_json({"users": [], "page": 1, "pages": 9})
    directory = HttpUserDirectory(y360_client(requests.Session(), httpserver.url_for("/"), TOKEN), ORG)

    assert find(directory, "ivanov") is None
    assert len(httpserver.log) == 1
    assert httpserver.log[0][0].args.to_dict() == {"page": "1", "perPage": "1000"}


def test_forbidden_is_permanent_and_hides_the_token(httpserver: HTTPServer) -> None:
    httpserver.expect_request(USERS_PATH, method="GET").respond_with_json(
        {"code": 7, "message": "Permission denied"}, status=403
    )
    directory = HttpUserDirectory(y360_client(requests.Session(), httpserver.url_for("/"), TOKEN), ORG)

    with pytest.raises(PermanentFailure) as caught:
        find(directory, "ivanov")

    assert caught.value.status == 403
    assert TOKEN not in str(caught.value)


def test_unavailable_directory_is_transient(httpserver: HTTPServer) -> None:
    httpserver.expect_request(USERS_PATH, method="GET").respond_with_data("", status=503)
    sleeps: list[float] = []
    client = y360_client(requests.Session(), httpserver.url_for("/"), TOKEN, sleep=sleeps.append)

    with pytest.raises(TransientFailure):
        find(HttpUserDirectory(client, ORG), "ivanov")

    assert len(httpserver.log) == client.policy.attempts
    assert len(sleeps) == client.policy.attempts - 1


def test_an_unreadable_answer_is_a_port_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request(USERS_PATH, method="GET").respond_with_json({"users": [{"nickname": None}]})
    directory = HttpUserDirectory(y360_client(requests.Session(), httpserver.url_for("/"), TOKEN), ORG)

    with pytest.raises(PermanentFailure, match="unexpected answer"):
        find(directory, "ivanov")


def test_people_reads_every_page_once_in_order(httpserver: HTTPServer, directory: HttpUserDirectory) -> None:
    logins = [person.nickname for person in directory.people()]

    assert logins == ["petrov", "sidorova", "robot-tracker", "Ivanov", "zaytsev"]
    assert pages_requested(httpserver) == ["1", "2", "3"]


def test_people_fetches_a_page_only_when_it_is_read(httpserver: HTTPServer, directory: HttpUserDirectory) -> None:
    walk = directory.people()
    next(walk)
    next(walk)

    assert pages_requested(httpserver) == ["1"]


# --- the admin probe: counting users ----------------------------------------------------------------------------------


@pytest.fixture
def directory_admin(httpserver: HTTPServer) -> HttpUserDirectory:
    return HttpUserDirectory(y360_client(requests.Session(), httpserver.url_for("/"), "y360-token"), "9876")


def test_directory_implements_the_port(directory_admin: HttpUserDirectory) -> None:
    assert isinstance(directory_admin, DirectoryAdmin)


def test_count_users_reads_one_user(httpserver: HTTPServer, directory_admin: HttpUserDirectory) -> None:
    httpserver.expect_request(
        "/directory/v1/org/9876/users", method="GET", query_string="page=1&perPage=1"
    ).respond_with_json(
        {
            "users": [{"id": "1130000007986051", "nickname": "ivanov"}],
            "page": 1,
            "pages": 2345,
            "perPage": 1,
            "total": 2345,
        }
    )

    assert directory_admin.count_users() == 2345
    assert _only_request(httpserver).headers["Authorization"] == "OAuth y360-token"


def test_count_users_without_a_total_counts_pages(httpserver: HTTPServer, directory_admin: HttpUserDirectory) -> None:
    httpserver.expect_request("/directory/v1/org/9876/users").respond_with_json(
        {"users": [{"id": "1", "nickname": "a"}], "page": 1, "pages": 17, "perPage": 1}
    )

    assert directory_admin.count_users() == 17


def test_a_refused_directory_token_is_permanent(httpserver: HTTPServer, directory_admin: HttpUserDirectory) -> None:
    httpserver.expect_request("/directory/v1/org/9876/users").respond_with_json(
        {"code": 16, "message": "Unauthenticated"}, status=401
    )

    with pytest.raises(PermanentFailure) as raised:
        directory_admin.count_users()

    assert raised.value.status == 401


def _only_request(httpserver: HTTPServer) -> Request:
    (request,) = [request for request, _ in httpserver.log]
    return request
