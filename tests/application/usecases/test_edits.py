"""Edits and deletions of carried messages, through the inbox and the outbox, against the fakes."""

from __future__ import annotations

from application.events import MessageDeleted, MessageEdited
from domain.tickets import ThreadRef
from tests.builders import message, only, reply
from tests.conftest import REQUESTER, Bridge, make_bridge

KEY = "SERVICEDESK-1"
OLD = 1_700_000_000.0  # created long before the fake clock's now


def opened(bridge: Bridge, message_id: int = 56431) -> ThreadRef:
    bridge.deliver(message(message_id))
    return bridge.messenger.threads[message_id]


def edit(
    message_id: int, text: str, changed_at: str, root: int = 56431, created_at: float = OLD, user_id: int = REQUESTER
) -> MessageEdited:
    return MessageEdited(message_id, root, user_id, text, changed_at, created_at)


def comment_text(bridge: Bridge) -> str:
    return str(only(bridge.tracker.comments(KEY)).text)


def test_an_edited_reply_edits_its_comment(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="Ошибка 403"))

    assert bridge.deliver(edit(194300, "Ошибка 404, не 403", "2026-11-27T08:31:00+00:00")) == "edited"

    assert comment_text(bridge) == "**Олег Петров** (Пачка):\n\nОшибка 404, не 403"


def test_an_edited_first_message_updates_the_description_keeping_the_bridges_lines(bridge: Bridge) -> None:
    opened(bridge)

    assert bridge.deliver(edit(56431, "Не работает вход в 1С\nОшибка 500", "2026-11-27T08:20:00+00:00", root=0)) == (
        "edited"
    )

    assert bridge.tracker.issues[KEY].description == (
        "Не работает вход в 1С\nОшибка 500\n\nАвтор: Олег Петров (@olegpetrov)\n"
        "https://app.pachca.com/chats/918264?message=56431"
    )


def test_two_edits_in_a_row_are_both_carried_in_order(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="v0"))

    assert bridge.deliver(edit(194300, "v1", "2026-11-27T08:31:00.000Z")) == "edited"
    assert bridge.deliver(edit(194300, "v2", "2026-11-27T08:32:00.000Z")) == "edited"

    assert comment_text(bridge).endswith("v2")
    assert bridge.tracker.calls["edit_comment"] == 2


def test_an_edit_older_than_the_carried_one_changes_nothing(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="v0"))
    bridge.deliver(edit(194300, "v2", "2026-11-27T08:32:00+00:00"))
    bridge.reset_calls()

    assert bridge.deliver(edit(194300, "v1", "2026-11-27T08:31:00+00:00")) == "stale"

    assert comment_text(bridge).endswith("v2")
    assert bridge.tracker.calls["edit_comment"] == 0


def test_the_same_edit_delivered_twice_is_carried_once(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="v0"))
    bridge.deliver(edit(194300, "v1", "2026-11-27T08:31:00+00:00"))

    assert bridge.deliver(edit(194300, "v1", "2026-11-27T08:31:00+00:00")) == "duplicate"
    assert bridge.tracker.calls["edit_comment"] == 1


def test_an_edit_that_overtook_its_message_is_carried_once_the_message_is(bridge: Bridge) -> None:
    thread = opened(bridge)
    young = bridge.clock.now() - 5

    assert bridge.deliver(edit(194300, "исправлено", "2026-11-27T08:31:00+00:00", created_at=young)) == "queued"
    assert bridge.deliver(reply(thread, text="с опечаткой")) == "commented"
    bridge.clock.advance(60)
    bridge.drain()

    assert comment_text(bridge) == "**Олег Петров** (Пачка):\n\nисправлено"
    assert bridge.drain() == (0, 0)


def test_edits_of_messages_never_carried_are_ignored(bridge: Bridge) -> None:
    thread = opened(bridge)

    assert bridge.deliver(edit(777, "чужое", "2026-11-27T08:31:00+00:00")) == "not_carried"  # an old reply
    assert bridge.deliver(edit(888, "чат", "2026-11-27T08:31:00+00:00", root=0)) == "not_carried"
    assert bridge.deliver(edit(999, "бот", "2026-11-27T08:31:00+00:00", user_id=bridge.messenger.bot_id)) == (
        "own_message"
    )
    assert bridge.tracker.calls["edit_comment"] + bridge.tracker.calls["update_description"] == 0
    assert thread is not None


def test_a_deleted_reply_turns_its_comment_into_a_note_and_later_edits_change_nothing(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="Пароль: qwerty"))

    assert bridge.deliver(MessageDeleted(194300, 56431, REQUESTER, OLD)) == "deleted"
    assert bridge.deliver(edit(194300, "Пароль: 12345", "2030-01-01T00:00:00+00:00")) == "stale"

    assert comment_text(bridge) == "**Олег Петров** (Пачка):\n\n_Сообщение удалено в Пачке._"


def test_a_deleted_first_message_is_noted_on_the_issue_once(bridge: Bridge) -> None:
    opened(bridge)

    assert bridge.deliver(MessageDeleted(56431, 0, REQUESTER, OLD)) == "deleted"
    assert bridge.deliver(MessageDeleted(56431, 0, REQUESTER, OLD)) == "duplicate"

    assert comment_text(bridge) == "Исходное сообщение этой заявки удалено в Пачке."
    assert bridge.tracker.issues[KEY].description.startswith("Не работает вход в 1С")  # history stays


def test_an_edited_reply_still_names_the_files_left_out_of_it() -> None:
    bridge = make_bridge({"MAX_FILE_MB": "1"})
    thread = opened(bridge)
    bridge.messenger.message_attachments[194300] = [bridge.messenger.files.add("dump.bin", b"x", size=2 * 1024 * 1024)]
    bridge.deliver(reply(thread, text="Дамп"))

    bridge.deliver(edit(194300, "Дамп базы", "2026-11-27T08:31:00+00:00"))

    link = f"https://app.pachca.com/chats/{thread.chat_id}?message=194300"
    assert comment_text(bridge) == (
        "**Олег Петров** (Пачка):\n\nДамп базы\n\n"
        f"Файл «dump.bin» (2 МБ) не передан: больше допустимых 1 МБ. Оригинал: {link}"
    )
