"""A page elsewhere must not drive the sandbox. Browsers send `text/plain` and form bodies
across sites without asking, and a rebound DNS name reaches loopback with its own `Host`: the sandbox's API
takes actions only as JSON from its own origin, and answers only at its own address."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.sandbox.conftest import Page

WRITE = '{"text": "Сообщение с чужого сайта"}'


@pytest.fixture(scope="module")
def page(sandbox: str) -> Page:
    return Page(sandbox)


def messages(page: Page) -> list[Any]:
    return list(page.state()["chat"]["messages"])


def own_host(page: Page) -> str:
    return urlsplit(page.base).netloc


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain"},  # what a cross-site fetch or form may send without a preflight
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {},
    ],
    ids=["text-plain", "form", "multipart", "no-type"],
)
def test_an_action_without_a_json_body_is_refused_and_changes_nothing(page: Page, headers: dict[str, str]) -> None:
    before = messages(page)

    reply = requests.post(f"{page.base}sandbox/write", data=WRITE.encode(), headers=headers, timeout=10)

    assert reply.status_code == 415 and reply.json()["ok"] is False
    assert messages(page) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another port is another origin
        {"Sec-Fetch-Site": "cross-site"},
    ],
    ids=["other-site", "null-origin", "other-port", "cross-site-fetch"],
)
def test_a_json_action_from_another_origin_is_refused(page: Page, headers: dict[str, str]) -> None:
    before = messages(page)

    switch = {"name": "tracker_down", "on": True}
    reply = requests.post(f"{page.base}sandbox/switch", json=switch, headers=headers, timeout=10)

    assert reply.status_code == 403 and reply.json()["ok"] is False
    assert messages(page) == before and not any(page.state()["switches"].values())


def test_a_rebound_dns_name_gets_nothing(page: Page) -> None:
    port = urlsplit(page.base).port
    rebound = {"Host": f"attacker.example:{port}", "Origin": f"http://attacker.example:{port}"}

    state = requests.get(f"{page.base}sandbox/state", headers=rebound, timeout=10)
    front = requests.get(page.base, headers=rebound, timeout=10)
    action = requests.post(f"{page.base}sandbox/write", json={"text": "x"}, headers=rebound, timeout=10)

    assert (state.status_code, front.status_code, action.status_code) == (403, 403, 403)
    assert "timeline" not in state.text


def test_the_own_page_still_works_by_address_and_by_localhost(page: Page) -> None:
    origin = f"http://{own_host(page)}"
    reply = requests.post(
        f"{page.base}sandbox/write",
        json={"text": "Со своей страницы"},
        headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"},
        timeout=10,
    )
    as_localhost = requests.get(
        f"{page.base}sandbox/state", headers={"Host": f"localhost:{urlsplit(page.base).port}"}, timeout=10
    )

    assert reply.status_code == 200
    assert as_localhost.status_code == 200
