"""The messenger's admin probes (HttpPachcaAdmin: MessengerAdmin and BotWebhook) over real HTTP, answers checked against
Pachca's OpenAPI spec."""

from __future__ import annotations

import pytest
import requests
from pytest_httpserver import HTTPServer

from adapters.pachca.admin import HttpPachcaAdmin
from adapters.pachca.messenger import pachca_client
from domain.people import Person
from ports.admin import BotWebhook, MessengerAdmin, TokenInfo
from ports.errors import PermanentFailure
from tests.adapters.pachca.test_pachca import BASE, TOKEN, received, sent_body, serve, token_info_json, user_json


@pytest.fixture
def admin(httpserver: HTTPServer) -> HttpPachcaAdmin:
    return HttpPachcaAdmin(pachca_client(requests.Session(), httpserver.url_for(BASE), TOKEN))


def test_implements_the_port(admin: HttpPachcaAdmin) -> None:
    assert isinstance(admin, MessengerAdmin)
    assert isinstance(admin, BotWebhook)


def test_token_info_gives_the_bot_id_and_scopes(httpserver: HTTPServer, admin: HttpPachcaAdmin) -> None:
    serve(httpserver, "GET", "/oauth/token/info", "/oauth/token/info", 200, {"data": token_info_json()})

    assert admin.token_info() == TokenInfo(user_id=12, scopes=("messages:read", "chats:read"))
    (request,) = received(httpserver)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_revoked_token_is_a_401(httpserver: HTTPServer, admin: HttpPachcaAdmin) -> None:
    body = {"error": "invalid_token", "error_description": "Access token is revoked"}
    serve(httpserver, "GET", "/oauth/token/info", "/oauth/token/info", 401, body)

    with pytest.raises(PermanentFailure) as raised:
        admin.token_info()

    assert raised.value.status == 401
    assert TOKEN not in str(raised.value)


def test_some_users_asks_for_one_small_page(httpserver: HTTPServer, admin: HttpPachcaAdmin) -> None:
    body = {
        "data": [user_json(email=None, phone_number=None), user_json(id=77, nickname="helpdesk_bot", bot=True)],
        "meta": {"paginate": {"next_page": "eyJpZCI6MTAsImRpciI6ImFzYyJ9"}},
    }
    serve(httpserver, "GET", "/users", "/users", 200, body, query_string={"limit": "5"})

    people = admin.some_users(5)

    assert people[0] == Person(id="12", display_name="Олег Петров", nickname="olegpetrov", email=None)
    assert people[1].is_bot


def test_an_unreadable_answer_is_a_permanent_failure(httpserver: HTTPServer, admin: HttpPachcaAdmin) -> None:
    httpserver.expect_request(f"{BASE}/oauth/token/info").respond_with_json({"data": {"id": 1}})

    with pytest.raises(PermanentFailure, match=r"unexpected answer to GET .*/oauth/token/info"):
        admin.token_info()


FUNCTION_URL = "https://functions.yandexcloud.net/d4e0000000000000000"


def bot_json(url: str) -> dict[str, object]:
    webhook = {
        "name": "Поддержка",
        "nickname": "support_bot",
        "outgoing_url": url,
        "events": ["message_new", "message_update", "message_delete", "button_click"],
        "trigger_on": "all_messages",
        "commands": [],
        "scopes": ["messages:create", "bot_self:webhook:write"],
        "template": None,
        "template_engine": "liquid",
        "challenge_key": None,
        "link_preview_enabled": False,
        "ignore_self_messages": True,
        "events_history_enabled": True,
        "single_chat": False,
        "can_edit": ["admin"],
        "who_can_add": "creator",
    }
    return {"data": {"id": 12, "webhook": webhook}}


def test_set_webhook_puts_the_url_as_the_spec_asks(httpserver: HTTPServer, admin: HttpPachcaAdmin) -> None:
    serve(httpserver, "PUT", "/bot/webhook", "/bot/webhook", 200, bot_json(FUNCTION_URL))

    assert admin.set_webhook(FUNCTION_URL) == FUNCTION_URL

    assert sent_body(httpserver, "PUT", "/bot/webhook") == {"webhook": {"outgoing_url": FUNCTION_URL}}
    (request,) = received(httpserver)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_set_webhook_without_the_scope_is_a_403(httpserver: HTTPServer, admin: HttpPachcaAdmin) -> None:
    body = {"error": "insufficient_scope", "error_description": "Required scope: bot_self:webhook:write"}
    serve(httpserver, "PUT", "/bot/webhook", "/bot/webhook", 403, body)

    with pytest.raises(PermanentFailure) as raised:
        admin.set_webhook(FUNCTION_URL)

    assert raised.value.status == 403


def chat_json(chat_id: int, name: str, personal: bool = False) -> dict[str, object]:
    return {
        "id": chat_id,
        "name": name,
        "created_at": "2026-11-02T09:00:00.000Z",
        "owner_id": 134412,
        "member_ids": [134412, 12],
        "group_tag_ids": [],
        "channel": False,
        "archived": False,
        "personal": personal,
        "public": False,
        "last_message_at": "2026-12-01T10:00:00.000Z",
        "meet_room_url": "https://meet.pachca.com/abc",
    }


def test_member_chats_follows_the_cursor_and_leaves_direct_chats_out(
    httpserver: HTTPServer, admin: HttpPachcaAdmin
) -> None:
    full = [chat_json(918264, "Поддержка"), chat_json(5001, "", personal=True)] + [
        chat_json(n, f"Чат {n}") for n in range(7000, 7048)
    ]  # a full page of 50: there may be more
    first = {"data": full, "meta": {"paginate": {"next_page": "eyJpZCI6NTAwMX0", "has_next": True}}}
    end = {"next_page": "eyJpZCI6OTE4MzAwfQ", "has_next": False}
    last = {"data": [chat_json(918300, "ИТ-помощь")], "meta": {"paginate": end}}
    asked = {"availability": "is_member", "limit": "50"}
    serve(httpserver, "GET", "/chats", "/chats", 200, first, query_string=asked)
    serve(httpserver, "GET", "/chats", "/chats", 200, last, query_string={**asked, "cursor": "eyJpZCI6NTAwMX0"})

    chats = admin.member_chats()

    assert chats[0] == (918264, "Поддержка") and chats[-1] == (918300, "ИТ-помощь")
    assert len(chats) == 50  # 48 + 2 group chats; the direct chat is left out
    assert len(received(httpserver)) == 2
