"""The messenger's admin probes (HttpChatMessenger as MessengerAdmin) over real HTTP, answers checked against
Pachca's OpenAPI spec."""

from __future__ import annotations

import pytest
import requests
from pytest_httpserver import HTTPServer

from adapters.pachca.messenger import HttpChatMessenger, pachca_client
from domain.people import Person
from ports.admin import MessengerAdmin, TokenInfo
from ports.errors import PermanentFailure
from tests.adapters.pachca.test_pachca import BASE, TOKEN, received, serve, token_info_json, user_json


@pytest.fixture
def admin(httpserver: HTTPServer) -> HttpChatMessenger:
    return HttpChatMessenger(pachca_client(requests.Session(), httpserver.url_for(BASE), TOKEN))


def test_implements_the_port(admin: HttpChatMessenger) -> None:
    assert isinstance(admin, MessengerAdmin)


def test_token_info_gives_the_bot_id_and_scopes(httpserver: HTTPServer, admin: HttpChatMessenger) -> None:
    serve(httpserver, "GET", "/oauth/token/info", "/oauth/token/info", 200, {"data": token_info_json()})

    assert admin.token_info() == TokenInfo(user_id=12, scopes=("messages:read", "chats:read"))
    (request,) = received(httpserver)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_revoked_token_is_a_401(httpserver: HTTPServer, admin: HttpChatMessenger) -> None:
    body = {"error": "invalid_token", "error_description": "Access token is revoked"}
    serve(httpserver, "GET", "/oauth/token/info", "/oauth/token/info", 401, body)

    with pytest.raises(PermanentFailure) as raised:
        admin.token_info()

    assert raised.value.status == 401
    assert TOKEN not in str(raised.value)


def test_some_users_asks_for_one_small_page(httpserver: HTTPServer, admin: HttpChatMessenger) -> None:
    body = {
        "data": [user_json(email=None, phone_number=None), user_json(id=77, nickname="helpdesk_bot", bot=True)],
        "meta": {"paginate": {"next_page": "eyJpZCI6MTAsImRpciI6ImFzYyJ9"}},
    }
    serve(httpserver, "GET", "/users", "/users", 200, body, query_string={"limit": "5"})

    people = admin.some_users(5)

    assert people[0] == Person(id="12", display_name="Олег Петров", nickname="olegpetrov", email=None)
    assert people[1].is_bot


def test_an_unreadable_answer_is_a_permanent_failure(httpserver: HTTPServer, admin: HttpChatMessenger) -> None:
    httpserver.expect_request(f"{BASE}/oauth/token/info").respond_with_json({"data": {"id": 1}})

    with pytest.raises(PermanentFailure, match=r"unexpected answer to GET .*/oauth/token/info"):
        admin.token_info()
