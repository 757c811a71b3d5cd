"""The help-desk paths on the sandbox, through its own API as the page uses it: a pleasantry opens nothing, the
agents' chat takes a ticket, a quick second message merges, a closed ticket is rated."""

from __future__ import annotations

from typing import Any

import pytest

from entrypoints.sandbox.timeline import OUTCOMES
from tests.sandbox.conftest import Page, wait_for


@pytest.fixture(scope="module")
def page(sandbox: str) -> Page:
    return Page(sandbox)


def ticket_of(page: Page, text: str) -> dict[str, Any] | None:
    return next((m for m in page.state()["chat"]["messages"] if m["text"] == text and m["thread"]), None)


def thread_of(page: Page, text: str) -> list[dict[str, Any]]:
    found = ticket_of(page, text)
    return list(found["thread"]) if found else []


def issue(page: Page, key: str) -> dict[str, Any]:
    return next(i for i in page.state()["issues"] if i["key"] == key)


def key_of(message: dict[str, Any]) -> str:
    return str(message["thread"][0]["text"].split("**")[1])


def button(message: dict[str, Any], text: str) -> dict[str, Any]:
    return next(b for row in message["buttons"] for b in row if b["text"].startswith(text))


def press(page: Page, message: dict[str, Any], text: str) -> None:
    page.act("press", message_id=message["id"], data=button(message, text)["data"])


def test_a_pleasantry_opens_nothing(page: Page) -> None:
    page.act("write", text="Спасибо! 👍")
    wait_for(lambda: any(e["note"] == OUTCOMES["pleasantry"] for e in page.state()["timeline"]))
    assert not any(m["text"] == "Спасибо! 👍" and m["thread"] for m in page.state()["chat"]["messages"])


def test_the_agents_chat_takes_a_ticket_and_a_quick_follow_up_merges_into_it(page: Page) -> None:
    page.act("write", text="Не печатает принтер")
    first = key_of(wait_for(lambda: ticket_of(page, "Не печатает принтер")))
    announcement = wait_for(lambda: [m for m in page.state()["chat"]["agents"] if first in m["text"]])[0]

    press(page, announcement, "Взять")
    wait_for(lambda: issue(page, first)["assignee"] == "Иван Иванов" and issue(page, first)["status"] == "В работе")
    wait_for(lambda: any("Взял(а) в работу: Иван Иванов" in m["text"] for m in page.state()["chat"]["agents"]))

    page.act("write", text="И сканер тоже не сканирует")
    follow_up = wait_for(lambda: ticket_of(page, "И сканер тоже не сканирует"))
    card = follow_up["thread"][0]
    press(page, card, f"Объединить с {first}")
    wait_for(lambda: any("И сканер тоже" in c["text"] for c in issue(page, first)["comments"]))
    second = key_of(follow_up)
    wait_for(lambda: issue(page, second)["status"] == "Закрыт")
    assert issue(page, second)["links"] == [{"relationship": "duplicates", "key": first}]
    assert page.state()["duplicates"] == []


def test_closing_asks_for_a_rating_and_the_rating_lands_in_the_field(page: Page) -> None:
    page.act("write", text="Не открывается почта")
    opened = wait_for(lambda: ticket_of(page, "Не открывается почта"))
    key = key_of(opened)
    page.act("move", key=key, transition="close")
    asked = wait_for(
        lambda: [
            p for p in (ticket_of(page, "Не открывается почта") or {})["thread"] if p["text"].startswith("Оцените")
        ]
    )[0]

    press(page, asked, "5")

    wait_for(lambda: issue(page, key)["fields"].get("pachcaRating") == "5")
    assert any(c["text"].startswith("Оценка решения в Пачке: 5 из 5") for c in issue(page, key)["comments"])


def test_the_second_support_chat_opens_tickets_in_its_own_queue(page: Page) -> None:
    page.act("write", text="Нужен доступ к VPN", chat_id=918310)
    opened = wait_for(lambda: ticket_of(page, "Нужен доступ к VPN"))

    assert opened["chat"] == "ИТ-поддержка" and key_of(opened).startswith("IT-")
    assert issue(page, key_of(opened))["fields"]["pachcaChatId"] == "918310"
