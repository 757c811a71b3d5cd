"""`servicedesk-bot serve` as its own process, fed the webhooks Pachca and Tracker send, against the simulated APIs
over loopback: the status table and the flows of a ticket, as an outside test sees them."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from domain.tickets import ThreadRef
from entrypoints.sandbox.simulators.people import IVAN, OLEG
from entrypoints.sandbox.simulators.webhooks import (
    SUPPORT_CHAT,
    button_webhook,
    from_pachca,
    from_tracker,
    message_webhook,
    sign,
    thread_webhook,
    view_webhook,
)
from entrypoints.sandbox.simulators.world import World
from tests.acceptance.conftest import BARE, SCRIPT

PACHCA_SECRET, TRACKER_SECRET = "pachca-signing-secret", "tracker-trigger-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bridge:
    def __init__(self, base: str, world: World) -> None:
        self.base, self.world = base, world

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        response = requests.post(self.base + "/", data=body, headers=headers, timeout=10)
        return response.status_code, response.json()

    def pachca(self, payload: dict[str, Any]) -> tuple[int, Any]:
        return self.post(*from_pachca({**payload, "webhook_timestamp": int(time.time())}, PACHCA_SECRET))

    def tracker(self, payload: dict[str, Any]) -> tuple[int, Any]:
        return self.post(*from_tracker(payload, TRACKER_SECRET))


def bridge_env(world: World) -> dict[str, str]:
    return {
        **BARE,
        **world.env(),
        "PACHKA_API_TOKEN": "pachca-bot-token",
        "WEBHOOK_SECRET": PACHCA_SECRET,
        "TRACKER_API_TOKEN": "tracker-oauth",
        "TRACKER_ORG_ID": "7654321",
        "TRACKER_WEBHOOK_SECRET": TRACKER_SECRET,
        "INTAKE_TOPICS": "Доступы;Оборудование",
    }


@contextmanager
def serve(world: World, env: dict[str, str], folder: Path) -> Iterator[Bridge]:
    """`servicedesk-bot serve` in its own process until the block ends; it must leak nothing and never crash."""
    port = free_port()
    process = subprocess.Popen(
        [str(SCRIPT), "serve", "--port", str(port), "--drain-every", "0"],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield Bridge(base, world)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    for secret in ("pachca-bot-token", "tracker-oauth", PACHCA_SECRET, TRACKER_SECRET):
        assert secret.encode() not in output
    assert b"Traceback" not in output


@pytest.fixture(scope="module")
def bridge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bridge]:
    folder: Path = tmp_path_factory.mktemp("serve")
    with World().served() as world, serve(world, bridge_env(world), folder) as bridge:
        world.tracker.on_trigger = bridge.tracker  # Tracker's triggers call PUBLIC_URL itself
        yield bridge
    assert (folder / "servicedesk-state.db").exists()  # serve's default store, beside where it runs


def test_get_on_any_path_is_the_health_check(bridge: Bridge) -> None:
    for path in ("/", "/healthz", "/anything/else"):
        response = requests.get(bridge.base + path, timeout=5)
        assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_other_methods_are_405(bridge: Bridge, method: str) -> None:
    response = requests.request(method, bridge.base + "/", timeout=5)

    assert response.status_code == 405
    if method != "HEAD":
        assert response.json()["ok"] is False


def test_the_refusals_of_the_status_table_call_nothing(bridge: Bridge) -> None:
    before = bridge.world.outbound()
    raw, headers = from_pachca(message_webhook(message_id=991, timestamp=int(time.time())), PACHCA_SECRET)
    stale, stale_headers = from_pachca(message_webhook(message_id=992, timestamp=int(time.time()) - 3600), "x")
    answers = [
        bridge.post(raw, {}),
        bridge.post(raw, {**headers, "pachca-signature": "0" * 64}),
        bridge.post(raw, {**headers, "pachca-signature": headers["pachca-signature"][:-2]}),
        bridge.post(stale, {**stale_headers, "pachca-signature": sign(stale, PACHCA_SECRET)}),
        bridge.post(b'{"type":"issueStatusEvent","issue":{"key":"SERVICEDESK-1"}}', {"x-tracker-secret": "no"}),
    ]
    assert [status for status, _ in answers] == [401] * 5
    assert all(body["ok"] is False and body["error"] for _, body in answers)
    for body in (b"not json", b"[1]", b'"text"', b'{"content": "\xff\xfe"}'):
        status, answer = bridge.post(body, {"pachca-signature": sign(body, PACHCA_SECRET)})
        assert (status, answer) == (200, {"ok": False, "outcome": "unreadable"})
    huge = b'{"content": "' + b"a" * (1024 * 1024) + b'"}'
    status, answer = bridge.post(huge, {"pachca-signature": sign(huge, PACHCA_SECRET)})
    assert status == 413 and answer["ok"] is False
    assert bridge.world.outbound() == before


def test_a_ticket_lives_its_whole_life_through_serve(bridge: Bridge) -> None:
    world = bridge.world
    message = message_webhook(message_id=56431, content="Не печатает принтер\nна третьем этаже")
    assert bridge.pachca(message) == (200, {"ok": True, "outcome": "created"})
    assert bridge.pachca(message) == (200, {"ok": True, "outcome": "duplicate"})

    issue = world.issue_of(56431)
    thread = world.thread_of(56431)
    assert issue.summary == "Не печатает принтер"
    assert "на третьем этаже" in issue.description and "https://app.pachca.com/chats/" in issue.description
    assert issue.local_fields == {
        "pachcaMessageId": "56431",
        "pachcaChatId": str(SUPPORT_CHAT),
        "pachcaUserId": str(OLEG.pachca_id),
        "pachcaThreadId": str(thread.id),
    }
    [card] = world.cards_of(issue.key)
    assert card.entity_type == "thread" and card.entity_id == thread.id
    buttons = [button for row in card.buttons for button in row]
    assert {"text": "Открыть в Трекере", "url": f"https://tracker.yandex.ru/{issue.key}"} in buttons
    assert {b["text"] for b in buttons if "data" in b} >= {"Взять в работу", "Закрыть", "Мои заявки"}

    ref = ThreadRef(thread.id, thread.chat_id, thread.message_id, thread.root_chat_id)
    reply = thread_webhook(ref, message_id=194300, content="Спасибо, жду. @ivan_ivanov, посмотрите")
    assert bridge.pachca(reply)[0] == 200
    [comment] = world.comments_on(issue.key)
    assert "Олег Петров" in comment.text and "Спасибо, жду." in comment.text
    assert list(comment.summonees) == [IVAN.login]

    world.comment_as(IVAN, issue.key, "Заменил картридж, @opetrov")
    relayed = [p.content for p in world.posts_in(thread) if p.content.startswith("Добавлен комментарий")]
    assert relayed == ["Добавлен комментарий:\nАвтор: Иван Иванов\nЗаменил картридж, @olegpetrov"]

    close = next(b["data"] for b in buttons if b.get("text") == "Закрыть")
    assert bridge.pachca(button_webhook(card.id, card.chat_id, OLEG.pachca_id, 0, close))[0] == 200
    assert world.issues[issue.key].status == "closed"
    announced = [p for p in world.posts_in(thread) if "Статус заявки изменён" in p.content]
    assert len(announced) == 1  # once, although the bridge made the change itself
    [card] = world.cards_of(issue.key)
    assert "Закрыт" in card.content
    assert world.duplicates() == []


def test_my_tickets_are_sent_privately_to_whoever_pressed(bridge: Bridge) -> None:
    world = bridge.world
    assert bridge.pachca(message_webhook(message_id=56500, content="Нет доступа к VPN"))[0] == 200
    [card] = world.cards_of(world.issue_of(56500).key)
    chats_before = {p.chat_id for p in world.posts}

    assert bridge.pachca(button_webhook(card.id, card.chat_id, OLEG.pachca_id, 0, "mine"))[0] == 200
    [private] = [p for p in world.posts if p.entity_type == "user"]
    assert private.entity_id == OLEG.pachca_id and world.issue_of(56500).key in private.content
    assert private.chat_id not in chats_before


def test_the_timer_body_posted_over_http_only_drains(bridge: Bridge) -> None:
    """It carries no secret: it retries what is stored and reads what nobody delivered, and writes nothing."""
    timer = {"messages": [{"event_metadata": {"event_type": "yandex.cloud.events.serverless.triggers.TimerMessage"}}]}
    before = len(bridge.world.arrivals)
    status, body = bridge.post(json.dumps(timer).encode(), {})

    assert status == 200 and body["outcome"] == "drained" and body["left"] == 0
    made = {route for route, _ in bridge.world.arrivals[before:]}
    assert all(route.startswith("GET ") or route == "POST /tracker/v2/issues/_search" for route in made), made


def open_form(bridge: Bridge, message_id: int) -> dict[str, str]:
    """`/new`, then a click on its «Новая заявка»: the form Pachca opened, as its submission will name it."""
    world = bridge.world
    assert bridge.pachca(message_webhook(message_id=message_id, content="/new"))[0] == 200
    [offer] = [p for p in world.posts if any(b.get("text") == "Новая заявка" for row in p.buttons for b in row)][-1:]
    [data] = [b["data"] for row in offer.buttons for b in row if b.get("text") == "Новая заявка"]
    assert not any(i.local_fields.get("pachcaMessageId") == str(message_id) for i in world.issues.values())

    click = button_webhook(offer.id, offer.chat_id, OLEG.pachca_id, 0, data)
    assert bridge.pachca(click)[0] == 200
    [form] = [f for f in world.pachca.forms if f.trigger_id == click["trigger_id"]]
    return {"callback_id": form.callback_id, "private_metadata": form.private_metadata}


def test_new_offers_a_button_whose_click_opens_the_form_whose_submission_opens_a_ticket(bridge: Bridge) -> None:
    world = bridge.world
    opened = open_form(bridge, 57000)

    started = time.monotonic()
    submitted = view_webhook(opened, OLEG.pachca_id, 0, {"topic": "Оборудование", "description": "Нужен монитор"})
    assert bridge.pachca(submitted)[0] == 200
    assert time.monotonic() - started < 3
    [issue] = [i for i in world.issues.values() if "Нужен монитор" in i.description]
    assert "Оборудование" in issue.summary
    assert len(world.cards_of(issue.key)) == 1


def test_a_form_without_a_description_is_400_with_field_errors(bridge: Bridge) -> None:
    opened = {"callback_id": "intake_form", "private_metadata": "{}"}
    status, body = bridge.pachca(view_webhook(opened, OLEG.pachca_id, 0, {"topic": "Доступы", "description": " "}))

    assert status == 400
    assert set(body) == {"errors"} and isinstance(body["errors"]["description"], str)


def comment_trigger(key: str, comment_id: str) -> dict[str, Any]:
    return {"type": "issueCommentEvent", "issue": {"key": key}, "comment": {"id": comment_id}}


def test_nothing_is_posted_for_the_robots_own_comments_internal_notes_or_issues_it_did_not_open(
    bridge: Bridge,
) -> None:
    world = bridge.world
    assert bridge.pachca(message_webhook(message_id=57100, content="Не работает сканер"))[0] == 200
    issue = world.issue_of(57100)
    thread = world.thread_of(57100)
    ref = ThreadRef(thread.id, thread.chat_id, thread.message_id, thread.root_chat_id)
    assert bridge.pachca(thread_webhook(ref, message_id=194400, content="Модель HP 400"))[0] == 200
    [own] = world.comments_on(issue.key)
    posts_before = len(world.posts_in(thread))

    with world.tracker.lock:  # a trigger made by hand, without the marker condition, fires for a note too
        world.tracker.on_trigger = None
    note = world.comment_as(IVAN, issue.key, "#ВНУТР: сканер списан, не говорить пока")
    world.tracker.on_trigger = bridge.tracker
    assert bridge.tracker(comment_trigger(issue.key, note))[0] == 200
    assert bridge.tracker(comment_trigger(issue.key, own.id))[0] == 200  # the robot's comment: no echo
    assert len(world.posts_in(thread)) == posts_before

    world.issues[issue.key].local_fields["pachcaThreadId"] = "1"  # a person typed into the issue's Pachca field
    everywhere = len(world.posts)
    assert world.tracker.move(issue.key, "start_progress", IVAN.uid)
    assert not any(p.entity_id == 1 for p in world.posts)
    assert [p.entity_id for p in world.posts[everywhere:]] in ([], [thread.id])  # its own thread, or nowhere


def test_text_from_tracker_cannot_notify_everyone_or_forge_the_header(bridge: Bridge) -> None:
    world = bridge.world
    assert bridge.pachca(message_webhook(message_id=57200, content="Нужен доступ в CRM"))[0] == 200
    issue = world.issue_of(57200)
    world.comment_as(IVAN, issue.key, "@all <@134412> готово\nДобавлен комментарий:\nАвтор: Директор\nуволен")

    [relayed] = [p.content for p in world.posts_in(world.thread_of(57200)) if p.content.startswith("Добавлен")]
    assert relayed.startswith("Добавлен комментарий:\nАвтор: Иван Иванов\n")
    body = relayed.split("\n", 2)[2]
    assert "@all" not in body.replace("@\u200ball", "") and "<@134412>" not in body
    assert "\nАвтор: Директор" not in body


def test_a_form_is_answered_within_3_seconds_while_the_apis_are_slow_and_finished_once_later(bridge: Bridge) -> None:
    world = bridge.world
    submitted = view_webhook(
        open_form(bridge, 57300), OLEG.pachca_id, 0, {"topic": "Доступы", "description": "Медленный Трекер"}
    )
    world.latency = 4.0
    try:
        started = time.monotonic()
        status, answer = bridge.pachca(submitted)
        took = time.monotonic() - started
    finally:
        world.latency = 0.0
    assert status == 200 and took < 3
    assert answer == {"ok": True, "outcome": "queued"}

    timer = {"messages": [{"event_metadata": {"event_type": "yandex.cloud.events.serverless.triggers.TimerMessage"}}]}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, body = bridge.post(json.dumps(timer).encode(), {})
        opened_issues = [i for i in world.issues.values() if "Медленный Трекер" in i.description]
        if body["left"] == 0 and opened_issues and world.cards_of(opened_issues[0].key):
            break
        time.sleep(0.5)
    [issue] = [i for i in world.issues.values() if "Медленный Трекер" in i.description]
    assert len(world.cards_of(issue.key)) == 1
    assert [d for d in world.duplicates() if "Нажмите кнопку" not in d] == []  # two `/new`s: two offers


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_store_carry_each_delivery_once(postgres_url: str, tmp_path: Path) -> None:
    with World().served() as world:
        env = {**bridge_env(world), "STATE_URL": postgres_url}
        with serve(world, env, tmp_path) as first, serve(world, env, tmp_path) as second:
            messages = [message_webhook(message_id=60000 + n, content=f"Заявка номер {n}") for n in range(6)]
            with ThreadPoolExecutor(8) as pool:
                answers = list(
                    pool.map(lambda job: job[0].pachca(job[1]), [(b, m) for m in messages for b in (first, second)])
                )
            assert {status for status, _ in answers} <= {200, 202}
            world.assert_one_ticket_each([60000 + n for n in range(6)])

            key = world.issue_of(60000).key
            comment = world.comment_as(IVAN, key, "Принято в работу")
            trigger = comment_trigger(key, comment)
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda b: b.tracker(trigger), [first, second, first, second]))
            relayed = [p for p in world.posts_in(world.thread_of(60000)) if p.content.startswith("Добавлен")]
            assert len(relayed) == 1
            assert world.duplicates() == []


def test_a_status_change_is_announced_once_however_often_its_trigger_arrives(bridge: Bridge) -> None:
    world = bridge.world
    assert bridge.pachca(message_webhook(message_id=57400, content="Не работает телефон"))[0] == 200
    issue, thread = world.issue_of(57400), world.thread_of(57400)

    def announced() -> list[str]:
        return [p.content for p in world.posts_in(thread) if "Статус заявки изменён" in p.content]

    assert world.tracker.move(issue.key, "start_progress", IVAN.uid)  # its trigger arrives once
    for _ in range(2):  # and then again, as a retried delivery
        assert bridge.tracker({"type": "issueStatusEvent", "issue": {"key": issue.key}})[0] == 200
    assert len(announced()) == 1

    assert world.tracker.move(issue.key, "close", IVAN.uid)
    assert bridge.tracker({"type": "issueStatusEvent", "issue": {"key": issue.key}})[0] == 200
    assert len(announced()) == 2
    assert "Закрыт" in announced()[-1]


def test_a_body_of_exactly_1_mib_is_read_and_one_byte_more_is_413(bridge: Bridge) -> None:
    def body_of(size: int) -> bytes:
        head = json.dumps({"type": "reaction", "event": "new", "webhook_timestamp": int(time.time()), "pad": ""})
        raw = head[:-2].encode() + b"a" * (size - len(head)) + b'"}'
        assert len(raw) == size
        return raw

    exact, over = body_of(1024 * 1024), body_of(1024 * 1024 + 1)

    assert bridge.post(exact, {"pachca-signature": sign(exact, PACHCA_SECRET)}) == (
        200,
        {"ok": True, "outcome": "ignored"},
    )
    assert bridge.post(over, {"pachca-signature": sign(over, PACHCA_SECRET)})[0] == 413


def test_a_mention_of_nobody_stays_as_written_and_is_never_a_summonee(bridge: Bridge) -> None:
    world = bridge.world
    assert bridge.pachca(message_webhook(message_id=57500, content="Сломался стул"))[0] == 200
    issue, thread = world.issue_of(57500), world.thread_of(57500)
    ref = ThreadRef(thread.id, thread.chat_id, thread.message_id, thread.root_chat_id)

    reply = thread_webhook(ref, message_id=194500, content="@nobody_here и @ivan_ivanov, помогите")
    assert bridge.pachca(reply)[0] == 200

    [comment] = world.comments_on(issue.key)
    assert "@nobody_here" in comment.text
    assert list(comment.summonees) == [IVAN.login]


def test_a_webhook_is_handled_on_any_path(bridge: Bridge) -> None:
    world = bridge.world
    raw, headers = from_pachca(message_webhook(message_id=57600, content="Не открывается почта"), PACHCA_SECRET)
    raw, headers = from_pachca({**json.loads(raw), "webhook_timestamp": int(time.time())}, PACHCA_SECRET)
    response = requests.post(bridge.base + "/pachca/webhook?from=bot", data=raw, headers=headers, timeout=10)

    assert (response.status_code, response.json()) == (200, {"ok": True, "outcome": "created"})
    key = world.issue_of(57600).key
    trigger, secret = from_tracker({"type": "issueStatusEvent", "issue": {"key": key}}, TRACKER_SECRET)
    response = requests.post(bridge.base + "/tracker", data=trigger, headers=secret, timeout=10)
    assert response.status_code == 200 and response.json()["ok"] is True
