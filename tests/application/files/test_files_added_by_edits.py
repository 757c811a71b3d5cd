"""Files added by editing a Pachca message reach Tracker once each; files removed are named, nothing is deleted in
Tracker (Pachca's `update` event covers a change of the text or of the files)."""

from __future__ import annotations

from tests.application.files.test_files_across import KEY, PDF, PNG, opened, with_files
from tests.application.usecases.test_edits import edit
from tests.builders import reply
from tests.conftest import Bridge


def uploaded_names(bridge: Bridge) -> list[str]:
    return [name for name, _ in bridge.tracker.files.uploaded.values()]


def test_a_screenshot_added_by_editing_a_reply_reaches_tracker_once(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("act.pdf", PDF))
    bridge.deliver(reply(thread, text="Акт"))
    with_files(bridge, 194300, ("act.pdf", PDF), ("screen.png", PNG))

    assert bridge.deliver(edit(194300, "Акт", "2026-11-27T08:31:00.000Z")) == "edited"
    assert bridge.deliver(edit(194300, "Акт и скриншот", "2026-11-27T08:32:00.000Z")) == "edited"

    first, added = bridge.tracker.comments(KEY)
    issue = bridge.tracker.issues[KEY]
    assert [bridge.tracker.files.uploaded[a][0] for a in issue.comment_attachments[added.comment_id]] == ["screen.png"]
    assert added.text == (
        "**Олег Петров** (Пачка):\n\nФайлы, добавленные в сообщение при редактировании: «screen.png»."
    )
    assert first.text.endswith("Акт и скриншот")
    assert uploaded_names(bridge) == ["act.pdf", "screen.png"]  # each file once


def test_the_same_edit_delivered_again_carries_nothing_again(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="Текст"))
    with_files(bridge, 194300, ("screen.png", PNG))
    change = edit(194300, "Текст", "2026-11-27T08:31:00.000Z")

    bridge.deliver(change)
    bridge.deliver(change)

    assert len(bridge.tracker.comments(KEY)) == 2
    assert uploaded_names(bridge) == ["screen.png"]


def test_a_file_removed_by_an_edit_is_named_and_stays_in_tracker(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("act.pdf", PDF), ("screen.png", PNG))
    bridge.deliver(reply(thread, text="Файлы"))
    first = bridge.tracker.comments(KEY)[0]
    with_files(bridge, 194300, ("act.pdf", PDF))

    bridge.deliver(edit(194300, "Файлы", "2026-11-27T08:31:00.000Z"))
    bridge.deliver(edit(194300, "Файлы!", "2026-11-27T08:32:00.000Z"))

    comments = bridge.tracker.comments(KEY)
    assert [c.text for c in comments[1:]] == [
        "**Олег Петров** (Пачка):\n\nИз сообщения в Пачке удалены файлы: «screen.png» (в Трекере они остаются)."
    ]
    assert len(bridge.tracker.issues[KEY].comment_attachments[first.comment_id]) == 2  # nothing deleted


def test_a_file_added_by_editing_the_first_message_goes_onto_the_issue(bridge: Bridge) -> None:
    opened(bridge)
    with_files(bridge, 56431, ("screen.png", PNG))

    assert bridge.deliver(edit(56431, "Не работает вход в 1С", "2026-11-27T08:20:00+00:00", root=0)) == "edited"

    [comment] = bridge.tracker.comments(KEY)
    assert comment.text.endswith("«screen.png».")
    assert uploaded_names(bridge) == ["screen.png"]


def test_an_edit_of_the_text_alone_posts_no_comment(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("screen.png", PNG))
    bridge.deliver(reply(thread, text="v0"))

    bridge.deliver(edit(194300, "v1", "2026-11-27T08:31:00.000Z"))

    assert len(bridge.tracker.comments(KEY)) == 1
    assert uploaded_names(bridge) == ["screen.png"]


def test_the_files_seen_outlive_retention_so_a_later_edit_carries_nothing_again(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, text="Текст"))
    with_files(bridge, 194300, ("screen.png", PNG))
    bridge.deliver(edit(194300, "Текст", "2026-11-27T08:31:00.000Z"))

    bridge.clock.advance(31 * 86_400)
    bridge.drain()  # the timer's pass purges what retention no longer keeps
    assert bridge.deliver(edit(194300, "Текст, поправлен", "2026-11-27T09:31:00.000Z")) == "edited"

    assert len(bridge.tracker.comments(KEY)) == 2  # the reply and the one note of the added file
    assert uploaded_names(bridge) == ["screen.png"]
