"""Files both ways, through the inbox and the outbox, against the fakes: what arrives on the other side, and what
stands in for a file left out."""

from __future__ import annotations

import pytest

from domain.people import Person
from domain.tickets import ThreadRef
from ports.errors import OutcomeUnknown, TransientFailure
from tests.builders import message, only, reply, tracker_comment
from tests.conftest import Bridge, make_bridge

PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 4000
PDF = b"%PDF-1.7\n" + b"d" * 9000
KEY = "SERVICEDESK-1"
AGENT = Person("1130000007986051", "Иван Иванов", "ivanov", "ivanov@example.com")


def opened(bridge: Bridge, message_id: int = 56431) -> ThreadRef:
    bridge.deliver(message(message_id))
    return bridge.messenger.threads[message_id]


def with_files(bridge: Bridge, message_id: int, *files: tuple[str, bytes]) -> None:
    bridge.messenger.message_attachments[message_id] = [
        bridge.messenger.files.add(name, content, image=name.endswith(".png")) for name, content in files
    ]


def test_an_image_and_a_pdf_of_a_first_message_become_the_issues_attachments(bridge: Bridge) -> None:
    with_files(bridge, 56431, ("screen.png", PNG), ("act.pdf", PDF))

    assert bridge.deliver(message(56431)) == "created"

    issue = bridge.tracker.issues[KEY]
    assert [bridge.tracker.files.uploaded[a] for a in issue.attachment_ids] == [("screen.png", PNG), ("act.pdf", PDF)]
    assert issue.description.endswith("https://app.pachca.com/chats/918264?message=56431")  # nothing left out


def test_an_image_and_a_pdf_of_a_reply_become_its_comments_attachments(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("screen.png", PNG), ("act.pdf", PDF))

    assert bridge.deliver(reply(thread, text="Вот скриншот и акт")) == "commented"

    comment = only(bridge.tracker.comments(KEY))
    attached = bridge.tracker.issues[KEY].comment_attachments[comment.comment_id]
    assert [bridge.tracker.files.uploaded[a] for a in attached] == [("screen.png", PNG), ("act.pdf", PDF)]
    assert comment.text == "**Олег Петров** (Пачка):\n\nВот скриншот и акт"


def test_a_tracker_comments_image_and_pdf_go_with_its_message_the_image_as_an_image(bridge: Bridge) -> None:
    thread = opened(bridge)
    files = [bridge.tracker.files.add("screen.png", PNG), bridge.tracker.files.add("act.pdf", PDF)]
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Посмотрите вложения", files)

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "posted"

    post = bridge.messenger.thread_posts(thread.thread_id)[-1]
    assert post.text == "Добавлен комментарий:\nАвтор: Иван Иванов\nПосмотрите вложения"
    assert [(f.name, f.file_type, f.size) for f in post.files] == [
        ("screen.png", "image", len(PNG)),
        ("act.pdf", "file", len(PDF)),
    ]
    assert [bridge.messenger.files.uploaded[f.key][1] for f in post.files] == [PNG, PDF]


def test_an_oversize_file_is_named_in_the_text_and_never_blocks_it() -> None:
    bridge = make_bridge({"MAX_FILE_MB": "1"})
    thread = opened(bridge)
    with_files(bridge, 194300, ("dump.bin", b"x" * (1024 * 1024 + 1)), ("screen.png", PNG))

    assert bridge.deliver(reply(thread, text="Дамп и скриншот")) == "commented"

    comment = only(bridge.tracker.comments(KEY))
    link = f"https://app.pachca.com/chats/{thread.chat_id}?message=194300"
    assert comment.text == (
        "**Олег Петров** (Пачка):\n\nДамп и скриншот\n\n"
        f"Файл «dump.bin» (размер неизвестен) не передан: больше допустимых 1 МБ. Оригинал: {link}"
    )
    assert [name for name, _ in bridge.tracker.files.uploaded.values()] == ["screen.png"]


def test_a_tracker_attachment_that_404s_is_named_with_a_link_to_the_issue(bridge: Bridge) -> None:
    thread = opened(bridge)
    gone = bridge.tracker.files.add("old.pdf", PDF, size=len(PDF))
    del bridge.tracker.files.blobs[gone.url]
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Акт во вложении", [gone])

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "posted"

    post = bridge.messenger.thread_posts(thread.thread_id)[-1]
    assert post.files == ()
    assert post.text.endswith(
        "Акт во вложении\n\nФайл «old.pdf» (8,8 КБ) не передан: не удалось скачать. "
        f"Оригинал: https://tracker.yandex.ru/{KEY}"
    )


def test_an_upload_that_failed_with_a_503_is_retried_by_drain_and_uploads_once(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("screen.png", PNG), ("act.pdf", PDF))
    bridge.tracker.faults.add("upload", TransientFailure("tracker: 503 on POST /v2/attachments/"))

    assert bridge.deliver(reply(thread)) == "queued"
    assert bridge.tracker.comments(KEY) == []
    assert bridge.drain() == (1, 0)

    comment = only(bridge.tracker.comments(KEY))
    assert len(bridge.tracker.issues[KEY].comment_attachments[comment.comment_id]) == 2
    assert [name for name, _ in bridge.tracker.files.uploaded.values()] == ["screen.png", "act.pdf"]


def test_a_repeated_webhook_uploads_nothing_twice(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("screen.png", PNG))
    bridge.deliver(reply(thread))

    assert bridge.deliver(reply(thread)) == "duplicate"
    assert bridge.tracker.calls["upload"] == 1 and len(bridge.tracker.comments(KEY)) == 1


def test_a_lost_answer_to_an_upload_is_not_repeated_blindly(bridge: Bridge) -> None:
    thread = opened(bridge)
    files = [bridge.tracker.files.add("screen.png", PNG)]
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Скриншот", files)
    bridge.messenger.faults.add("upload", OutcomeUnknown("pachca: timeout on POST /direct_url"))

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "queued"
    assert bridge.messenger.calls["upload"] == 1  # not repeated within the call
    bridge.drain()

    post = only(bridge.messenger.thread_posts(thread.thread_id), lambda p: p.text.endswith("Скриншот"))
    assert len(post.files) == 1  # the upload whose answer was lost is named by no message: it shows nowhere


def test_a_failed_message_post_after_the_upload_posts_once_with_the_same_file(bridge: Bridge) -> None:
    thread = opened(bridge)
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Скриншот", [bridge.tracker.files.add("a.png", PNG)])
    bridge.messenger.faults.add("post_to_thread", TransientFailure("pachca: 502 on POST /messages"))

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "queued"
    bridge.drain()

    only(bridge.messenger.thread_posts(thread.thread_id), lambda p: p.text.endswith("Скриншот"))
    assert bridge.messenger.calls["upload"] == 1


@pytest.mark.parametrize("text", ["#внутр не говорить клиенту", "Проверить логи #INTERNAL", "#Внутр"])
def test_an_internal_note_stays_in_tracker(bridge: Bridge, text: str) -> None:
    thread = opened(bridge)
    comment_id = bridge.tracker.human_comment(KEY, AGENT, text, [bridge.tracker.files.add("a.png", PNG)])
    before = len(bridge.messenger.thread_posts(thread.thread_id))

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "internal_note"

    assert len(bridge.messenger.thread_posts(thread.thread_id)) == before
    assert bridge.messenger.calls["upload"] == 0


def test_internal_note_markers_are_configurable() -> None:
    bridge = make_bridge({"INTERNAL_NOTE_MARKERS": "[для своих]"})
    thread = opened(bridge)
    note = bridge.tracker.human_comment(KEY, AGENT, "[Для своих] клиент ошибся")
    plain = bridge.tracker.human_comment(KEY, AGENT, "#внутр теперь обычный текст")

    assert bridge.deliver(tracker_comment(KEY, note)) == "internal_note"
    assert bridge.deliver(tracker_comment(KEY, plain)) == "posted"
    assert bridge.messenger.thread_posts(thread.thread_id)[-1].text.endswith("#внутр теперь обычный текст")
