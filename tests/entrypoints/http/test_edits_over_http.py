"""Pachca's `update` webhooks as Pachca sends them, through the function and through `serve`."""

from __future__ import annotations

from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed
from tests.entrypoints.conftest import Send


def test_an_edited_first_message_updates_its_issues_description(send: Send, apis: World) -> None:
    send("POST", *signed(pachca_body(56431)))
    edited = pachca_body(56431, event="update", content="Не работает вход в 1С: ошибка 500")

    reply = send("POST", *signed(edited | {"changed_at": "2026-11-27T08:25:00.000Z"}))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "edited"})
    assert apis.issues["SERVICEDESK-1"].description == (
        "Не работает вход в 1С: ошибка 500\n\nАвтор: Олег Петров (@olegpetrov)\n"
        "https://app.pachca.com/chats/918264?message=56431"
    )


def test_an_edit_of_a_message_never_carried_is_ignored_and_changes_nothing(send: Send, apis: World) -> None:
    edited = pachca_body(777, event="update", content="что-то другое", changed_at="2026-11-27T08:25:00.000Z")

    reply = send("POST", *signed(edited))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "not_carried"})
    assert apis.issues == {}
