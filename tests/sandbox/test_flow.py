"""The whole loop through the sandbox's own API, against the real bridge in the real command's process."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.sandbox.conftest import Page, wait_for


@pytest.fixture(scope="module")
def page(sandbox: str) -> Page:
    return Page(sandbox)


def ticket_of(page: Page, text: str) -> dict[str, Any] | None:
    return next((m for m in page.state()["chat"]["messages"] if m["text"] == text and m["thread"]), None)


def posts_in(page: Page, text: str) -> list[dict[str, Any]]:
    """The thread of the ticket opened by `text`, empty while there is none."""
    return list((ticket_of(page, text) or {}).get("thread", []))


def card(message: dict[str, Any] | None) -> dict[str, Any]:
    assert message is not None, "no such ticket in the chat"
    return dict(message["thread"][0])


def issue(page: Page, key: str) -> dict[str, Any]:
    return dict(next(i for i in page.state()["issues"] if i["key"] == key))


def key_of(message: dict[str, Any]) -> str:
    return str(card(message)["text"].split("**")[1])


def test_a_message_opens_a_ticket_and_both_sides_follow(page: Page) -> None:
    page.act("write", text="Не печатает принтер на 3 этаже")
    opened = wait_for(lambda: ticket_of(page, "Не печатает принтер на 3 этаже"))
    key = key_of(opened)
    assert [b["text"] for row in card(opened)["buttons"] for b in row] == [
        "Открыть в Трекере",
        "Взять в работу",
        "Закрыть",
        "Мои заявки",
    ]
    assert issue(page, key)["fields"]["pachcaThreadId"] == str(opened["thread_id"])

    page.act("comment", key=key, text="Проверьте кабель, пожалуйста, @opetrov")
    wait_for(lambda: any("Проверьте кабель" in p["text"] for p in posts_in(page, opened["text"])))
    relayed_back = [p["text"] for p in posts_in(page, opened["text"]) if "Проверьте кабель" in p["text"]]
    assert relayed_back == ["Добавлен комментарий:\nАвтор: Иван Иванов\nПроверьте кабель, пожалуйста, @olegpetrov"]

    page.act("reply", thread_id=opened["thread_id"], text="Кабель на месте, @ivan_ivanov")
    [relayed] = wait_for(lambda: [c for c in issue(page, key)["comments"] if "Кабель на месте" in c["text"]])
    assert relayed["summonees"] == ["Иван Иванов"]

    close = next(b for row in card(opened)["buttons"] for b in row if b["text"] == "Закрыть")
    page.act("press", message_id=card(opened)["id"], data=close["data"])
    wait_for(lambda: issue(page, key)["status"] == "Закрыт")
    wait_for(lambda: "Статус: Закрыт" in card(ticket_of(page, opened["text"]))["text"])
    wait_for(lambda: any("Статус заявки изменён: Закрыт" in p["text"] for p in posts_in(page, opened["text"])))
    assert page.state()["duplicates"] == []


def test_with_tracker_down_a_message_is_queued_then_carried_once(page: Page) -> None:
    page.act("switch", name="tracker_down", on=True)
    page.act("write", text="Нет доступа к 1С")
    queued = wait_for(lambda: [e for e in page.state()["timeline"] if e["status"] == 202 and e["outcome"] == "queued"])
    assert queued and page.state()["outbox"]["pending"] == 1
    page.act("switch", name="tracker_down", on=False)

    carried = wait_for(lambda: ticket_of(page, "Нет доступа к 1С"), timeout=75)
    assert len(carried["thread"]) == 1
    assert wait_for(lambda: page.state()["outbox"]["pending"] == 0)
    assert page.state()["duplicates"] == []


def test_with_pachca_rate_limited_the_answers_say_retry_after(page: Page) -> None:
    page.act("switch", name="pachca_limited", on=True)
    page.act("write", text="Сломалась мышь")
    refused = wait_for(lambda: [e for e in page.state()["timeline"] if e["status"] == 429])
    assert refused[0]["flow"] == "мост → Пачка" and refused[0]["note"] == "Retry-After: 1"
    page.act("switch", name="pachca_limited", on=False)
    wait_for(lambda: ticket_of(page, "Сломалась мышь"), timeout=75)
    assert page.state()["duplicates"] == []


def test_slow_apis_show_in_the_durations_and_nothing_is_lost(page: Page) -> None:
    page.act("switch", name="slow", on=True)
    assert page.state()["switches"]["slow"] is True
    page.act("write", text="Медленно открывается почта")
    wait_for(lambda: ticket_of(page, "Медленно открывается почта"), timeout=60)
    page.act("switch", name="slow", on=False)
    slow = [e for e in page.state()["timeline"] if e["what"] == "POST /v2/issues/" and e["ms"] >= 2000]
    assert slow and page.state()["duplicates"] == []


def test_new_offers_the_form_and_its_submission_opens_a_ticket(page: Page) -> None:
    page.act("write", text="/new")
    offer = wait_for(lambda: [p for p in page.state()["chat"]["messages"] if p["bot"] and p["buttons"]])
    [button] = [b for row in offer[-1]["buttons"] for b in row if b["text"] == "Новая заявка"]
    page.act("press", message_id=offer[-1]["id"], data=button["data"])
    [form] = wait_for(lambda: page.state()["chat"]["forms"])
    assert [block["name"] for block in form["view"]["blocks"]] == ["topic", "description"]

    page.act("submit", trigger_id=form["trigger_id"], values={"topic": "Оборудование", "description": "Нужен монитор"})
    wait_for(lambda: any("Нужен монитор" in i["description"] for i in page.state()["issues"]))
    assert page.state()["chat"]["forms"] == []


def test_nonsense_is_refused_and_changes_nothing(page: Page) -> None:
    before = page.state()
    for name, body in [
        ("reply", {"thread_id": 1, "text": "x"}),
        ("press", {"message_id": 1, "data": "x"}),
        ("comment", {"key": "NOPE-1", "text": "x"}),
        ("write", {"text": "   "}),
        ("switch", {}),
    ]:
        reply = requests.post(f"{page.base}sandbox/{name}", json=body, timeout=10)
        assert reply.status_code == 400 and reply.json()["ok"] is False
    after = page.state()
    assert (after["chat"], after["issues"]) == (before["chat"], before["issues"])


def test_the_bridge_answers_on_every_other_path_as_serve_does(sandbox: str) -> None:
    assert requests.get(f"{sandbox}healthz", timeout=10).json() == {"status": "ok"}
    unsigned = requests.post(sandbox, json={"type": "message"}, timeout=10)
    assert unsigned.status_code == 401
    page = requests.get(sandbox, timeout=10)
    assert page.status_code == 200 and "Песочница" in page.text
