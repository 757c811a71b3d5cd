"""The help-desk rules over real HTTP, through `index.handler` and through `serve`, against the simulated APIs:
pleasantries, the rating after closing, the agents' chat, follow-ups merged."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from domain.tickets import ThreadRef
from entrypoints.sandbox.simulators.pachca.api import Post
from entrypoints.sandbox.simulators.people import IVAN, OLEG
from entrypoints.sandbox.simulators.webhooks import button_webhook, thread_webhook
from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed, tracker_headers
from tests.entrypoints.conftest import Reply, Send


def test_a_pleasantry_opens_nothing_and_a_longer_message_with_it_opens_a_ticket(send: Send, apis: World) -> None:
    reply = send("POST", *signed(pachca_body(1, content="Спасибо!! 👍👍")))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "pleasantry"})
    assert apis.issues == {} and apis.posts == [] and apis.threads == {}

    reply = send("POST", *signed(pachca_body(2, content="Спасибо, но принтер так и не печатает")))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "created"})
    assert [i.summary for i in apis.issues.values()] == ["Спасибо, но принтер так и не печатает"]


def opened(
    send: Send, apis: World, message_id: int = 56431, content: str = "Не работает вход в 1С", **where: int
) -> str:
    reply = send("POST", *signed(pachca_body(message_id, content=content, **where)))
    assert reply.body["outcome"] == "created"
    return apis.issue_of(message_id).key


def status_trigger(send: Send, key: str) -> Reply:
    body = {"type": "issueStatusEvent", "issue": {"key": key}}
    return send("POST", json.dumps(body).encode(), tracker_headers())


def press(send: Send, post: Post, text: str, user_id: int) -> Reply:
    [data] = [b["data"] for row in post.buttons for b in row if b["text"] == text and "data" in b]
    return send("POST", *signed(button_webhook(post.id, post.chat_id, user_id, int(time.time()), data)))


def rating_request(apis: World, key: str) -> Post:
    [asked] = [p for p in apis.posts_in(apis.thread_of_issue(key)) if p.content.startswith("Оцените, пожалуйста")]
    return asked


def test_closing_asks_for_a_rating_and_only_the_requesters_press_lands_on_the_issue(send: Send, apis: World) -> None:
    key = opened(send, apis)
    assert apis.tracker.move(key, "close", IVAN.uid)

    assert status_trigger(send, key).body["outcome"] == "announced"
    status_trigger(send, key)  # delivered again: asked once
    asked = rating_request(apis, key)
    assert [[b["text"] for b in row] for row in asked.buttons] == [["1", "2", "3", "4", "5"], ["Не решено"]]

    assert press(send, asked, "2", IVAN.pachca_id).body["outcome"] == "not_requester"
    assert "pachcaRating" not in apis.issues[key].local_fields and apis.comments_on(key) == []

    assert press(send, asked, "5", OLEG.pachca_id).body["outcome"] == "rated"
    assert apis.issues[key].local_fields["pachcaRating"] == "5"
    assert [c.text for c in apis.comments_on(key)] == ["Оценка решения в Пачке: 5 из 5 (Олег Петров)"]


def test_not_solved_reopens_the_ticket(send: Send, apis: World) -> None:
    key = opened(send, apis)
    apis.tracker.move(key, "close", IVAN.uid)
    status_trigger(send, key)

    assert press(send, rating_request(apis, key), "Не решено", OLEG.pachca_id).body["outcome"] == "reopened"

    assert apis.issues[key].status == "open"


AGENTS_CHAT = 918300


@pytest.fixture
def agents_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTS_CHAT_ID", str(AGENTS_CHAT))


@pytest.mark.usefixtures("agents_chat")
def test_a_new_ticket_is_announced_to_the_agents_and_take_assigns_it(send: Send, apis: World) -> None:
    key = opened(send, apis)
    [announcement] = [p for p in apis.posts if p.chat_id == AGENTS_CHAT]
    assert announcement.content == f"Новая заявка **{key}**: Не работает вход в 1С\nАвтор: Олег Петров"

    assert press(send, announcement, "Взять", IVAN.pachca_id).body["outcome"] == "claimed"

    issue = apis.issues[key]
    assert (issue.assignee, issue.status) == (IVAN.uid, "inProgress")
    [shown] = [p for p in apis.posts if p.id == announcement.id]
    assert shown.content.endswith("Взял(а) в работу: Иван Иванов")
    assert [b["text"] for row in shown.buttons for b in row] == ["Открыть в Трекере"]


@pytest.mark.usefixtures("agents_chat")
def test_take_in_the_agents_chat_is_told_in_the_requesters_thread_once(send: Send, apis: World) -> None:
    """«Взять» through to the triggers the simulated Tracker fires for it: each is delivered as it fires (while the
    press is still being handled), then once more after the press, as Tracker retries; meanwhile the issue moved on
    (the press started work), so the retry sees a newer issue than the first delivery did. The requester's thread
    hears who took the ticket, once."""
    key = opened(send, apis)
    [announcement] = [p for p in apis.posts if p.chat_id == AGENTS_CHAT]
    answers: dict[str, list[str]] = {}
    fired: list[dict[str, Any]] = []

    def deliver(trigger: dict[str, Any]) -> None:
        fired.append(trigger)
        reply = send("POST", json.dumps(trigger).encode(), tracker_headers())
        answers.setdefault(trigger["type"], []).append(f"{reply.status} {reply.body.get('outcome')}")

    apis.tracker.on_trigger = deliver
    assert press(send, announcement, "Взять", IVAN.pachca_id).body["outcome"] == "claimed"
    apis.tracker.on_trigger = None
    for trigger in list(fired):
        deliver(trigger)

    posts = [p.content for p in apis.posts_in(apis.thread_of_issue(key))]
    assert [text for text in posts if text.startswith("Заявку взял")] == ["Заявку взял в работу Иван Иванов"]
    assert answers["issueAssigneeEvent"] == ["200 told", "200 duplicate"]
    assert answers["issueStatusEvent"] == ["200 announced", "200 duplicate"]
    assert apis.duplicates() == []


@pytest.mark.usefixtures("agents_chat")
def test_take_by_someone_without_a_tracker_account_is_answered_privately(send: Send, apis: World) -> None:
    key = opened(send, apis)
    [announcement] = [p for p in apis.posts if p.chat_id == AGENTS_CHAT]

    assert press(send, announcement, "Взять", 3003).body["outcome"] == "no_tracker_account"

    assert apis.issues[key].assignee is None and apis.issues[key].status == "open"
    [why] = [p for p in apis.posts if p.entity_type == "user" and p.entity_id == 3003]
    assert why.content.startswith(f"Не удалось взять заявку {key}")


def test_a_quick_second_message_offers_a_merge_and_pressing_it_twice_merges_once(send: Send, apis: World) -> None:
    first = opened(send, apis, 100, "Не работает VPN")
    second = opened(send, apis, 101, "И почта тоже не открывается")
    [card] = apis.cards_of(second)
    assert [b["text"] for row in card.buttons for b in row][-2] == f"Объединить с {first}"

    assert press(send, card, f"Объединить с {first}", OLEG.pachca_id).body["outcome"] == "merged"
    assert press(send, card, f"Объединить с {first}", IVAN.pachca_id).body["outcome"] == "already_merged"

    [added] = apis.comments_on(first)
    assert "дополнение из заявки" in added.text and "И почта тоже не открывается" in added.text
    assert (apis.issues[second].status, apis.issues[second].links) == ("closed", (("duplicates", first),))
    thread = apis.thread_of(101)
    ref = ThreadRef(thread.id, thread.chat_id, thread.message_id, thread.root_chat_id)
    reply = send("POST", *signed(thread_webhook(ref, 555, "Вот ещё скриншот", timestamp=int(time.time()))))
    assert reply.body["outcome"] == "commented"
    assert [c.key for c in apis.comments if "Вот ещё скриншот" in c.text] == [first]


IT_CHAT = 918310


@pytest.fixture
def chat_queues(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAT_QUEUES", f"{IT_CHAT}:IT")


@pytest.mark.usefixtures("chat_queues")
def test_chat_queues_routes_a_chat_to_its_queue_and_my_tickets_covers_both(send: Send, apis: World) -> None:
    routed = opened(send, apis, 1, "Нужен доступ к VPN", chat_id=IT_CHAT)
    default = opened(send, apis, 2, "Не работает 1С")

    assert (routed, default) == ("IT-1", "SERVICEDESK-2")
    assert apis.issues[routed].local_fields["pachcaChatId"] == str(IT_CHAT)
    [card] = apis.cards_of(routed)
    assert press(send, card, "Мои заявки", OLEG.pachca_id).body["outcome"] == "listed"
    [listing] = [p for p in apis.posts if p.entity_type == "user" and p.entity_id == OLEG.pachca_id]
    assert "IT-1" in listing.content and "SERVICEDESK-2" in listing.content
