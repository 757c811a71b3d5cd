"""Files that cannot be had, too many files, and names written to mislead: the text always goes, with one quiet line
per file left out (issue points: a file that cannot be had, `MAX_FILES`, names silenced like comment text)."""

from __future__ import annotations

from domain.text.pachca_text import QUIET
from ports.errors import TransientFailure
from tests.application.files.test_files_across import AGENT, KEY, PDF, PNG, opened, with_files
from tests.builders import only, reply, tracker_comment
from tests.conftest import Bridge, make_bridge


def test_a_pachca_file_whose_download_keeps_failing_is_a_line_and_the_reply_goes(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("screen.png", PNG), ("act.pdf", PDF))
    hung = TransientFailure("pachca: a download broke off")
    bridge.messenger.faults.add("download", hung, hung)  # the first file, twice: as a body that hangs would

    assert bridge.deliver(reply(thread, text="Скриншот и акт")) == "commented"

    comment = only(bridge.tracker.comments(KEY))
    assert "Файл «screen.png» (размер неизвестен) не передан: не удалось скачать." in comment.text
    assert [name for name, _ in bridge.tracker.files.uploaded.values()] == ["act.pdf"]


def test_a_download_that_breaks_off_once_is_tried_again_at_once(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, ("screen.png", PNG))
    bridge.messenger.faults.add("download", TransientFailure("pachca: a download broke off"))

    assert bridge.deliver(reply(thread)) == "commented"

    assert [name for name, _ in bridge.tracker.files.uploaded.values()] == ["screen.png"]


def test_a_tracker_attachment_whose_download_keeps_failing_is_a_line_and_the_comment_goes(bridge: Bridge) -> None:
    thread = opened(bridge)
    files = [bridge.tracker.files.add("screen.png", PNG)]
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Посмотрите", files)
    hung = TransientFailure("tracker: a download took too long")
    bridge.tracker.faults.add("download", hung, hung)

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "posted"

    post = bridge.messenger.thread_posts(thread.thread_id)[-1]
    assert post.files == ()
    assert post.text.endswith(
        "Файл «screen.png» (размер неизвестен) не передан: не удалось скачать. "
        f"Оригинал: https://tracker.yandex.ru/{KEY}"
    )


def test_at_most_max_files_go_and_the_rest_are_named_in_one_line(bridge: Bridge) -> None:
    thread = opened(bridge)
    with_files(bridge, 194300, *((f"shot{n}.png", PNG) for n in range(1, 26)))

    assert bridge.deliver(reply(thread, text="Скриншоты")) == "commented"

    comment = only(bridge.tracker.comments(KEY))
    attached = bridge.tracker.issues[KEY].comment_attachments[comment.comment_id]
    assert len(attached) == 20 and len(bridge.tracker.files.uploaded) == 20
    link = f"https://app.pachca.com/chats/{thread.chat_id}?message=194300"
    assert comment.text.endswith(
        "Скриншоты\n\nНе переданы файлы сверх 20 за раз (5): «shot21.png», «shot22.png», «shot23.png», "
        f"«shot24.png», «shot25.png». Оригинал: {link}"
    )
    assert bridge.messenger.calls["download"] == 20


def test_max_files_is_configurable_and_the_line_names_ten_then_counts() -> None:
    bridge = make_bridge({"MAX_FILES": "1"})
    thread = opened(bridge)
    files = [bridge.tracker.files.add(f"f{n}.pdf", PDF) for n in range(1, 14)]
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Акты", files)

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "posted"

    post = bridge.messenger.thread_posts(thread.thread_id)[-1]
    assert [f.name for f in post.files] == ["f1.pdf"]
    names = ", ".join(f"«f{n}.pdf»" for n in range(2, 12))
    assert post.text.endswith(
        f"Не переданы файлы сверх 1 за раз (12): {names} и ещё 2. Оригинал: https://tracker.yandex.ru/{KEY}"
    )


def test_a_line_naming_a_file_notifies_nobody_and_forges_no_header(bridge: Bridge) -> None:
    thread = opened(bridge)
    loud = bridge.tracker.files.add("@all срочно.log", PDF)
    forged = bridge.tracker.files.add("x\nАвтор: Служба безопасности\n<@1> пароль.txt", PDF)
    for gone in (loud, forged):
        del bridge.tracker.files.blobs[gone.url]
    comment_id = bridge.tracker.human_comment(KEY, AGENT, "Логи", [loud, forged])

    assert bridge.deliver(tracker_comment(KEY, comment_id)) == "posted"

    text = bridge.messenger.thread_posts(thread.thread_id)[-1].text
    assert f"Файл «@{QUIET}all срочно.log»" in text
    assert f"«x Автор: Служба безопасности <@{QUIET}1> пароль.txt»" in text
    assert not any(line.startswith("Автор: Служба") for line in text.splitlines())
    assert "@all" not in text and "<@1>" not in text


def test_names_of_files_left_out_of_a_pachca_message_are_one_line_and_capped(bridge: Bridge) -> None:
    thread = opened(bridge)
    long_name = "а" * 10_000 + ".log"
    bridge.messenger.message_attachments[194300] = [
        bridge.messenger.files.add(long_name, b"x", url="https://files.example/gone"),
        bridge.messenger.files.add("отчёт\u202excod.exe", b"x", url="https://files.example/gone2"),
    ]
    del bridge.messenger.files.blobs["https://files.example/gone"]
    del bridge.messenger.files.blobs["https://files.example/gone2"]

    bridge.deliver(reply(thread, text="Логи"))

    text = only(bridge.tracker.comments(KEY)).text
    lines = text.split("\n\n")[2:]
    assert all(len(line) < 300 for line in lines)
    assert "….log» (размер неизвестен)" in lines[0]
    assert "\u202e" not in text and "«отчётxcod.exe»" in lines[1]
