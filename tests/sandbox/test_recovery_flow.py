"""The sandbox's «Мост недоступен» switch and `sandbox --poll`: what is written on both sides while the bridge is
offline crosses once it is back (from the event history and Tracker), and poll mode needs no delivery at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.conftest import Page, start, stop, wait_for
from tests.sandbox.test_flow import issue, key_of, posts_in, ticket_of


@pytest.fixture(scope="module")
def page(sandbox: str) -> Page:
    return Page(sandbox)


@pytest.fixture(scope="module")
def polling() -> Iterator[Page]:
    process = start("--port", "0", "--no-browser", "--poll")
    assert process.stdout is not None
    url = process.stdout.readline().rsplit(" ", 1)[-1].strip()
    assert url.startswith("http://127.0.0.1:"), url
    try:
        yield Page(url)
    finally:
        stop(process)


def test_what_is_written_while_the_bridge_is_offline_crosses_once_it_is_back(page: Page) -> None:
    page.act("write", text="Не открывается CRM")
    opened = wait_for(lambda: ticket_of(page, "Не открывается CRM"))
    key = key_of(opened)

    page.act("switch", name="bridge_offline", on=True)
    assert page.state()["switches"]["bridge_offline"] is True
    page.act("write", text="Не работает VPN")
    page.act("comment", key=key, text="Очистите кэш браузера")
    wait_for(lambda: [e for e in page.state()["timeline"] if "мост недоступен" in e["note"]])
    assert ticket_of(page, "Не работает VPN") is None
    page.act("switch", name="bridge_offline", on=False)

    wait_for(lambda: ticket_of(page, "Не работает VPN"), timeout=30)
    wait_for(
        lambda: any("Очистите кэш браузера" in p["text"] for p in posts_in(page, "Не открывается CRM")),
        timeout=30,
    )
    assert page.state()["duplicates"] == []


def test_in_poll_mode_both_sides_cross_with_no_webhook_and_no_trigger(polling: Page) -> None:
    polling.act("write", text="Сломался сканер")
    opened = wait_for(lambda: ticket_of(polling, "Сломался сканер"), timeout=30)
    key = key_of(opened)
    polling.act("comment", key=key, text="Проверьте драйвер")

    wait_for(
        lambda: any("Проверьте драйвер" in p["text"] for p in posts_in(polling, "Сломался сканер")),
        timeout=40,
    )
    assert issue(polling, key)["fields"]["pachcaThreadId"] == str(opened["thread_id"])
    assert not [e for e in polling.state()["timeline"] if e["flow"].endswith("→ мост")]  # nothing called the bridge
    assert polling.state()["duplicates"] == []


def test_the_bots_posts_in_the_admin_chat_are_shown_apart_from_private_messages() -> None:
    from entrypoints.sandbox.simulators.http import Call
    from entrypoints.sandbox.simulators.pachca.api import Pachca
    from entrypoints.sandbox.view import ADMIN_CHAT, chat

    pachca = Pachca()
    body = b'{"message": {"entity_type": "discussion", "entity_id": %d, "content": "\\u26a0 token"}}' % ADMIN_CHAT
    pachca._post(Call("POST", "/pachca/messages", body=body))

    shown = chat(pachca)

    assert [p["text"] for p in shown["admin"]] == ["⚠ token"] and shown["private"] == []
