"""HttpChatMessenger over real HTTP: what it returns, and what Pachca receives, checked against Pachca's spec."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from adapters.pachca.messenger import HttpChatMessenger, pachca_client
from adapters.pachca.ratelimit import ChatRateLimiter
from domain.card import Button, Card, StatusType, TicketStatus
from domain.people import Person
from domain.tickets import ThreadRef, TicketKey
from entrypoints.sandbox.in_memory import FakeTime
from ports.errors import NotFound, OutcomeUnknown, PermanentFailure, TransientFailure
from ports.messenger import ChatMessenger, FormField, PostedMessage
from tests.adapters.openapi_spec import assert_request_valid, assert_response_valid

BASE = "/api/shared/v1"
TOKEN = "test-token-3f9a"
THREAD = ThreadRef(thread_id=265142, chat_id=2637266155, root_message_id=154332686, root_chat_id=2637266154)
CARD = Card.for_ticket(TicketKey("SERVICEDESK-42"), "https://tracker.yandex.ru")


# --- fixtures shaped like the spec's examples ---------------------------------------------------------------------


def user_json(**overrides: Any) -> dict[str, Any]:
    user = {
        "id": 12,
        "first_name": "Олег",
        "last_name": "Петров",
        "nickname": "olegpetrov",
        "email": "olegp@example.com",
        "phone_number": "+79001234567",
        "department": "Продукт",
        "title": "CIO",
        "role": "admin",
        "suspended": False,
        "invite_status": "confirmed",
        "inviter_id": None,
        "list_tags": ["Product"],
        "custom_properties": [],
        "user_status": None,
        "bot": False,
        "sso": False,
        "created_at": "2020-06-08T09:32:57.000Z",
        "last_activity_at": "2025-01-20T13:40:07.000Z",
        "time_zone": "Europe/Moscow",
        "image_url": None,
    }
    return user | overrides


def message_json(**overrides: Any) -> dict[str, Any]:
    message = {
        "id": 194275,
        "entity_type": "discussion",
        "entity_id": 334,
        "chat_id": 334,
        "root_chat_id": 334,
        "content": "Привет",
        "user_id": 12,
        "created_at": "2021-08-28T15:57:23.000Z",
        "url": "https://app.pachca.com/chats/334?message=194275",
        "files": [],
        "voice_content": None,
        "buttons": None,
        "thread": None,
        "forwarding": None,
        "parent_message_id": None,
        "display_avatar_url": None,
        "display_name": None,
        "changed_at": "2021-08-28T15:57:23.000Z",
        "deleted_at": None,
    }
    return message | overrides


def token_info_json() -> dict[str, Any]:
    return {
        "id": 4827,
        "token": "cH5kR9mN...x7Qp",
        "name": None,
        "user_id": 12,
        "scopes": ["messages:read", "chats:read"],
        "created_at": "2025-01-15T10:30:00.000Z",
        "revoked_at": None,
        "expires_in": None,
        "last_used_at": "2025-02-24T14:20:00.000Z",
    }


def api_error_json(code: str) -> dict[str, Any]:
    return {"errors": [{"key": "id", "value": None, "message": "Ошибка", "code": code, "payload": None}]}


def serve(httpserver: HTTPServer, method: str, template: str, path: str, status: int, body: Any, **match: Any) -> None:
    """Answers `method path` with `body`, after checking that the body is one Pachca could send."""
    assert_response_valid(method, template, status, body)
    httpserver.expect_request(BASE + path, method=method, **match).respond_with_json(body, status=status)


def received(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


def sent_body(httpserver: HTTPServer, method: str, template: str) -> Any:
    """The one request body the server got, checked against the spec."""
    [request] = received(httpserver)
    body = request.get_json()
    assert_request_valid(method, template, body)
    return body


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_messenger(
    session: requests.Session, base_url: str, sleeps: list[float], limiter: ChatRateLimiter | None = None, **kw: Any
) -> HttpChatMessenger:
    client = pachca_client(session, base_url, TOKEN, sleep=sleeps.append, **kw)
    return HttpChatMessenger(client, limiter)


@pytest.fixture
def messenger(httpserver: HTTPServer, session: requests.Session, sleeps: list[float]) -> HttpChatMessenger:
    return make_messenger(session, httpserver.url_for(BASE), sleeps, timeout=5.0)


# --- reads --------------------------------------------------------------------------------------------------------


def test_it_is_a_chat_messenger(messenger: HttpChatMessenger) -> None:
    assert isinstance(messenger, ChatMessenger)


def test_own_user_id_comes_from_the_token_info_and_the_token_is_sent(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    serve(httpserver, "GET", "/oauth/token/info", "/oauth/token/info", 200, {"data": token_info_json()})

    assert messenger.own_user_id() == 12
    [request] = received(httpserver)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_get_user_gives_a_person_named_first_and_last(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    serve(httpserver, "GET", "/users/{id}", "/users/12", 200, {"data": user_json()})

    assert messenger.get_user(12) == Person(
        id="12", display_name="Олег Петров", nickname="olegpetrov", email="olegp@example.com", is_bot=False
    )


def test_a_user_without_a_name_is_shown_by_nickname_and_a_hidden_email_is_none(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    bot = user_json(id=77, first_name="", last_name=None, nickname="helpdesk_bot", email=None, bot=True)
    serve(httpserver, "GET", "/users/{id}", "/users/77", 200, {"data": bot})

    assert messenger.get_user(77) == Person(
        id="77", display_name="helpdesk_bot", nickname="helpdesk_bot", email=None, is_bot=True
    )


def test_search_users_asks_with_the_query_and_returns_every_match(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    body = {
        "data": [user_json(), user_json(id=13, first_name="Олег", last_name="Сидоров", nickname="osidorov")],
        "meta": {"paginate": {"next_page": "eyJpZCI6MTAsImRpciI6ImFzYyJ9"}},
    }
    serve(httpserver, "GET", "/users", "/users", 200, body, query_string={"query": "олег", "limit": "50"})

    people = messenger.search_users("олег")

    assert [(p.id, p.nickname, p.display_name) for p in people] == [
        ("12", "olegpetrov", "Олег Петров"),
        ("13", "osidorov", "Олег Сидоров"),
    ]


def test_recent_messages_of_a_thread_are_read_from_its_chat_newest_first(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    thread = ThreadRef(thread_id=265142, chat_id=26372661, root_message_id=154332686, root_chat_id=334)
    body = {
        "data": [
            message_json(id=3, chat_id=26372661, entity_type="thread", entity_id=265142, content="новое", user_id=77),
            message_json(id=2, chat_id=26372661, entity_type="thread", entity_id=265142, content="старое"),
        ],
        "meta": {"paginate": {"next_page": "eyJpZCI6MTAsImRpciI6ImFzYyJ9", "has_next": False}},
    }
    serve(httpserver, "GET", "/messages", "/messages", 200, body, query_string={"chat_id": "26372661", "limit": "20"})

    url = "https://app.pachca.com/chats/334?message=194275"
    assert messenger.recent_messages(thread.chat_id, limit=20) == [
        PostedMessage(message_id=3, user_id=77, text="новое", url=url, chat_id=26372661),
        PostedMessage(message_id=2, user_id=12, text="старое", url=url, chat_id=26372661),
    ]


def test_an_answer_that_is_not_what_the_spec_promises_is_a_permanent_failure(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    httpserver.expect_request(BASE + "/users/12").respond_with_data("<html>maintenance</html>", status=200)

    with pytest.raises(PermanentFailure, match="unexpected answer"):
        messenger.get_user(12)


# --- writes -------------------------------------------------------------------------------------------------------


def test_open_thread_returns_the_thread_with_64_bit_ids(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    thread = {
        "id": 265142,
        "chat_id": 2637266155,
        "message_id": 154332686,
        "message_chat_id": 2637266154,
        "updated_at": "2023-02-01T19:20:47.204Z",
    }
    serve(httpserver, "POST", "/messages/{id}/thread", "/messages/154332686/thread", 201, {"data": thread})

    assert messenger.open_thread(154332686) == THREAD
    [request] = received(httpserver)
    assert request.get_data() == b""


def test_post_to_thread_sends_the_text_and_button_rows(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    answer = message_json(id=194300, entity_type="thread", entity_id=265142, chat_id=26372661, buttons=[])
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": answer})

    posted = messenger.post_to_thread(THREAD, CARD.text, CARD.buttons)
    assert posted.message_id == 194300
    assert posted.url == "https://app.pachca.com/chats/334?message=194275"  # Pachca's own link, as answered

    assert sent_body(httpserver, "POST", "/messages") == {
        "message": {
            "entity_type": "thread",
            "entity_id": 265142,
            "content": "Заявка **SERVICEDESK-42** создана",
            "buttons": [
                [{"text": "Открыть в Трекере", "url": "https://tracker.yandex.ru/SERVICEDESK-42"}],
                [
                    {"text": "Взять в работу", "data": "take:SERVICEDESK-42"},
                    {"text": "Закрыть", "data": "close:SERVICEDESK-42"},
                ],
                [{"text": "Мои заявки", "data": "mine"}],
            ],
            "skip_invite_mentions": False,
        },
        "link_preview": False,
    }


def test_a_message_link_is_known_without_a_call(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    assert messenger.message_url(334, 194275) == message_json()["url"]
    assert received(httpserver) == []


def test_post_to_chat_without_buttons_sends_none(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": message_json(id=194276)})

    assert messenger.post_to_chat(334, "Нажмите, чтобы создать заявку").message_id == 194276

    assert sent_body(httpserver, "POST", "/messages") == {
        "message": {
            "entity_type": "discussion",
            "entity_id": 334,
            "content": "Нажмите, чтобы создать заявку",
            "skip_invite_mentions": False,
        },
        "link_preview": False,
    }


def test_update_message_replaces_text_and_buttons(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    status = TicketStatus("closed", "Закрыт", StatusType.DONE)
    closed = Card.for_ticket(TicketKey("SERVICEDESK-42"), "https://tracker.yandex.ru", status)
    serve(httpserver, "PUT", "/messages/{id}", "/messages/194300", 200, {"data": message_json(id=194300)})

    messenger.update_message(194300, closed.text, closed.buttons)

    body = sent_body(httpserver, "PUT", "/messages/{id}")
    assert body["message"]["content"] == "Заявка **SERVICEDESK-42** создана\nСтатус: Закрыт"
    assert body["message"]["buttons"][1] == [{"text": "Переоткрыть", "data": "reopen:SERVICEDESK-42"}]


def test_update_message_with_no_buttons_removes_them(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    serve(httpserver, "PUT", "/messages/{id}", "/messages/194300", 200, {"data": message_json(id=194300)})

    messenger.update_message(194300, "Готово", ())

    assert sent_body(httpserver, "PUT", "/messages/{id}") == {"message": {"content": "Готово", "buttons": []}}


def test_open_form_sends_a_modal_with_a_select_and_a_required_description(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    assert_response_valid("POST", "/views/open", 201, None)
    httpserver.expect_request(BASE + "/views/open", method="POST").respond_with_data("", status=201)
    fields = [
        FormField("topic", "Тема", options=(("Доступы", "access"), ("Оборудование", "hw"))),
        FormField("description", "Описание"),
    ]

    messenger.open_form("791a056b-trigger", "intake_form", "Новая заявка в службу поддержки", fields, '{"chat":9012}')

    assert sent_body(httpserver, "POST", "/views/open") == {
        "type": "modal",
        "trigger_id": "791a056b-trigger",
        "callback_id": "intake_form",
        "private_metadata": '{"chat":9012}',
        "view": {
            "title": "Новая заявка в службу п…",
            "submit_text": "Отправить",
            "close_text": "Отмена",
            "blocks": [
                {
                    "type": "select",
                    "name": "topic",
                    "label": "Тема",
                    "required": True,
                    "options": [{"text": "Доступы", "value": "access"}, {"text": "Оборудование", "value": "hw"}],
                },
                {
                    "type": "input",
                    "name": "description",
                    "label": "Описание",
                    "multiline": True,
                    "required": True,
                    "max_length": 3000,
                },
            ],
        },
    }


def test_requests_are_sent_as_utf8_json(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": message_json()})

    messenger.post_to_chat(334, "Привет")

    [request] = received(httpserver)
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request.get_data().decode("utf-8"))["message"]["content"] == "Привет"


def test_a_button_with_neither_url_nor_data_is_refused_before_sending(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    with pytest.raises(ValueError, match="neither"):
        messenger.post_to_chat(334, "x", [[Button("Пусто")]])
    assert received(httpserver) == []


# --- rate limit ---------------------------------------------------------------------------------------------------


def test_writes_to_one_chat_wait_for_its_rate_limit_and_other_chats_do_not(
    httpserver: HTTPServer, session: requests.Session, sleeps: list[float]
) -> None:
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": message_json()})
    time = FakeTime()
    limiter = ChatRateLimiter(clock=time.clock, sleep=time.sleep)
    messenger = make_messenger(session, httpserver.url_for(BASE), sleeps, limiter)

    for _ in range(4):
        messenger.post_to_thread(THREAD, "в тред")
    messenger.post_to_chat(334, "в другой чат")
    assert time.sleeps == []

    messenger.post_to_chat(THREAD.root_chat_id, "в чат, откуда тред")  # a thread counts against its root chat
    assert time.sleeps == [pytest.approx(1.1)]
    assert len(received(httpserver)) == 6


def test_an_edit_shares_its_chat_limit_when_the_chat_is_given(
    httpserver: HTTPServer, session: requests.Session, sleeps: list[float]
) -> None:
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": message_json()})
    serve(httpserver, "PUT", "/messages/{id}", "/messages/194300", 200, {"data": message_json(id=194300)})
    time = FakeTime()
    limiter = ChatRateLimiter(clock=time.clock, sleep=time.sleep)
    messenger = make_messenger(session, httpserver.url_for(BASE), sleeps, limiter)
    for _ in range(4):
        messenger.post_to_thread(THREAD, "в тред")

    messenger.update_message(194300, "без чата", ())
    assert time.sleeps == []
    messenger.update_message(194300, "в чате", (), chat_id=THREAD.root_chat_id)
    assert time.sleeps == [pytest.approx(1.1)]


def test_a_retry_after_a_429_takes_a_new_slot_of_the_chat(
    httpserver: HTTPServer, session: requests.Session, sleeps: list[float]
) -> None:
    httpserver.expect_oneshot_request(BASE + "/messages", method="POST").respond_with_data(
        "", status=429, headers={"Retry-After": "0"}
    )
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": message_json()})
    time = FakeTime()
    limiter = ChatRateLimiter(limit=1, clock=time.clock, sleep=time.sleep)
    messenger = make_messenger(session, httpserver.url_for(BASE), sleeps, limiter)

    messenger.post_to_chat(334, "Привет")

    assert time.sleeps == [pytest.approx(1.1)]  # the retry waited for the chat's next slot
    assert [response.status_code for _, response in httpserver.log] == [429, 201]


# --- failures -----------------------------------------------------------------------------------------------------


def test_a_429_is_waited_out_as_told_and_the_message_is_posted_once(
    httpserver: HTTPServer, messenger: HttpChatMessenger, sleeps: list[float]
) -> None:
    httpserver.expect_oneshot_request(BASE + "/messages", method="POST").respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": message_json(id=194277)})

    assert messenger.post_to_chat(334, "Привет").message_id == 194277

    assert sleeps == [1.0]
    assert [response.status_code for _, response in httpserver.log] == [429, 201]


def test_a_502_on_post_is_outcome_unknown_after_exactly_one_request(
    httpserver: HTTPServer, messenger: HttpChatMessenger, sleeps: list[float]
) -> None:
    httpserver.expect_request(BASE + "/messages", method="POST").respond_with_data("Bad Gateway", status=502)

    with pytest.raises(OutcomeUnknown):
        messenger.post_to_thread(THREAD, "Добавлен комментарий")

    assert len(received(httpserver)) == 1
    assert sleeps == []


def test_a_timeout_on_post_is_outcome_unknown_after_exactly_one_request(
    httpserver: HTTPServer, session: requests.Session, sleeps: list[float]
) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)
        body = json.dumps({"data": message_json()})
        return Response(body, status=201, content_type="application/json")

    httpserver.expect_request(BASE + "/messages", method="POST").respond_with_handler(slow)
    httpserver.expect_request("/after").respond_with_data("ok")
    messenger = make_messenger(session, httpserver.url_for(BASE), sleeps, timeout=0.2)

    with pytest.raises(OutcomeUnknown):
        messenger.post_to_thread(THREAD, "Добавлен комментарий")
    release.set()
    requests.get(httpserver.url_for("/after"), timeout=5)  # the server answers in order: all earlier ones are logged

    assert [request.path for request in received(httpserver)] == [BASE + "/messages", "/after"]
    assert sleeps == []


def test_404_is_not_found(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    serve(httpserver, "GET", "/users/{id}", "/users/999", 404, api_error_json("not_found"))

    with pytest.raises(NotFound):
        messenger.get_user(999)


def test_403_is_a_permanent_failure_that_names_no_token(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    forbidden = {"error": "insufficient_scope", "error_description": "The token lacks messages:create"}
    serve(httpserver, "POST", "/messages", "/messages", 403, forbidden)

    with pytest.raises(PermanentFailure) as failure:
        messenger.post_to_chat(334, "Привет")

    assert not isinstance(failure.value, NotFound)
    assert TOKEN not in str(failure.value)
    assert len(received(httpserver)) == 1


def test_a_refused_connection_is_a_transient_failure(session: requests.Session, sleeps: list[float]) -> None:
    messenger = make_messenger(session, closed_port_url(), sleeps, timeout=1.0)

    with pytest.raises(TransientFailure) as failure:
        messenger.own_user_id()

    assert type(failure.value) is TransientFailure
    assert len(sleeps) == 2  # a read is safe to repeat: three attempts in all


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{BASE}"


# --- the spec checks themselves can fail --------------------------------------------------------------------------


def test_the_request_check_refuses_a_key_the_spec_does_not_declare() -> None:
    body = {"message": {"entity_id": 334, "content": "x", "skip_invite_mention": False}}

    with pytest.raises(pytest.fail.Exception, match="skip_invite_mention"):
        assert_request_valid("POST", "/messages", body)


def test_the_response_check_refuses_a_message_without_its_required_fields() -> None:
    with pytest.raises(pytest.fail.Exception, match="'entity_type' is a required property"):
        assert_response_valid("POST", "/messages", 201, {"data": {"id": 1}})


def test_the_response_check_knows_which_statuses_the_spec_lists() -> None:
    with pytest.raises(pytest.fail.Exception, match="no 404 response"):
        assert_response_valid("POST", "/messages", 404, api_error_json("not_found"))


def test_post_to_user_sends_a_direct_message_and_tells_its_chat(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    answer = message_json(id=194277, entity_type="user", entity_id=134412, chat_id=4471122)
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": answer})

    posted = messenger.post_to_user(134412, "У вас нет открытых заявок.")

    assert (posted.message_id, posted.chat_id) == (194277, 4471122)
    assert sent_body(httpserver, "POST", "/messages") == {
        "message": {
            "entity_type": "user",
            "entity_id": 134412,
            "content": "У вас нет открытых заявок.",
            "skip_invite_mentions": False,
        },
        "link_preview": False,
    }


def test_get_message_shows_its_chat_author_and_thread_without_opening_one(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    answer = message_json(id=154332686, chat_id=334, user_id=134412, thread={"id": 265142, "chat_id": 26372661})
    serve(httpserver, "GET", "/messages/{id}", "/messages/154332686", 200, {"data": answer})

    info = messenger.get_message(154332686)

    assert (info.message_id, info.chat_id, info.user_id, info.direct) == (154332686, 334, 134412, False)
    assert info.thread == ThreadRef(265142, 26372661, 154332686, 334)
    assert [r.method for r in received(httpserver)] == ["GET"]  # no POST /messages/{id}/thread


def test_get_message_of_a_message_nobody_answered_has_no_thread(
    httpserver: HTTPServer, messenger: HttpChatMessenger
) -> None:
    answer = message_json(id=5, entity_type="user", entity_id=12, thread=None)
    serve(httpserver, "GET", "/messages/{id}", "/messages/5", 200, {"data": answer})

    info = messenger.get_message(5)

    assert info.thread is None and info.direct


def test_first_messages_are_read_oldest_first(httpserver: HTTPServer, messenger: HttpChatMessenger) -> None:
    body = {"data": [message_json(id=2)], "meta": {"paginate": {"next_page": "eyJpZCI6Mn0=", "has_next": False}}}
    query = {"chat_id": "26372661", "limit": "10", "sort": "id", "order": "asc"}
    serve(httpserver, "GET", "/messages", "/messages", 200, body, query_string=query)

    assert [m.message_id for m in messenger.first_messages(26372661)] == [2]
