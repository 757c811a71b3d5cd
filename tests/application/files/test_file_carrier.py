"""FileCarrier against the fakes' files: each file once, within the limits, and a line for every file left out."""

from __future__ import annotations

import os

import pytest

from adapters.state.memory import MemoryState
from application.once.writes import OnceWriter
from application.services.files import CarriedFiles, FileCarrier
from domain.files import MIB, FileLimits, FileRef, LocalFile
from entrypoints.sandbox.in_memory import FakeChatMessenger, FakeClock, FakeIssueTracker
from ports.errors import OutcomeUnknown, TransientFailure

PNG = b"\x89PNG" + b"p" * 3000
PDF = b"%PDF-1.7" + b"d" * 5000
LINK = "https://app.pachca.com/chats/1?message=2"


@pytest.fixture
def tracker() -> FakeIssueTracker:
    return FakeIssueTracker()


def carrier(limits: FileLimits = FileLimits()) -> FileCarrier:
    return FileCarrier(OnceWriter(MemoryState(), FakeClock()), limits, FakeChatMessenger(), FakeIssueTracker())


def carry(
    carrier: FileCarrier, tracker: FakeIssueTracker, files: list[FileRef], effect: str = "reply:7"
) -> CarriedFiles:
    return carrier.carry(effect, files, tracker, tracker.upload, LINK)


def test_an_image_and_a_pdf_go_across_whole_and_leave_no_temporary_file(tracker: FakeIssueTracker) -> None:
    files = [tracker.files.add("screen.png", PNG, image=True), tracker.files.add("act.pdf", PDF)]

    carried = carry(carrier(), tracker, files)

    assert tracker.files.uploaded == {"tmp-1": ("screen.png", PNG), "tmp-2": ("act.pdf", PDF)}
    assert carried.uploaded == ["tmp-1", "tmp-2"] and carried.lines == []
    assert not any(os.path.exists(path) for path in tracker.files.spooled)


def test_a_file_known_to_be_too_large_is_not_downloaded_and_gets_a_line(tracker: FakeIssueTracker) -> None:
    big = tracker.files.add("dump.zip", b"z" * 10, size=60 * MIB)

    carried = carry(carrier(), tracker, [big, tracker.files.add("act.pdf", PDF)])

    assert carried.uploaded == ["tmp-1"] and tracker.files.uploaded["tmp-1"][0] == "act.pdf"
    assert carried.lines == [f"Файл «dump.zip» (60 МБ) не передан: больше допустимых 50 МБ. Оригинал: {LINK}"]
    assert tracker.calls["download"] == 1


def test_a_file_found_too_large_while_downloading_gets_a_line(tracker: FakeIssueTracker) -> None:
    big = tracker.files.add("trace.log", b"l" * 2048)  # the source did not say its size

    carried = carry(carrier(FileLimits(1024, 4096)), tracker, [big])

    assert carried.uploaded == []
    assert carried.lines == [
        f"Файл «trace.log» (размер неизвестен) не передан: больше допустимых 1 КБ. Оригинал: {LINK}"
    ]


def test_the_total_per_event_leaves_out_what_does_not_fit(tracker: FakeIssueTracker) -> None:
    files = [tracker.files.add(f"part{i}.bin", b"b" * 600, size=600) for i in range(3)]

    carried = carry(carrier(FileLimits(1000, 1500)), tracker, files)

    assert carried.uploaded == ["tmp-1", "tmp-2"]
    assert carried.lines == [
        f"Файл «part2.bin» (600 Б) не передан: вместе с другими файлами больше 1,5 КБ. Оригинал: {LINK}"
    ]


def test_a_download_that_404s_gets_a_line_and_the_rest_still_goes(tracker: FakeIssueTracker) -> None:
    gone = FileRef("old.pdf", "https://files.example/gone/old.pdf", size=1234)

    carried = carry(carrier(), tracker, [gone, tracker.files.add("screen.png", PNG)])

    assert carried.uploaded == ["tmp-1"]
    assert carried.lines == [f"Файл «old.pdf» (1,2 КБ) не передан: не удалось скачать. Оригинал: {LINK}"]


def test_a_repeated_event_uploads_nothing_twice(tracker: FakeIssueTracker) -> None:
    files = [tracker.files.add("screen.png", PNG), FileRef("old.pdf", "https://files.example/gone")]
    once = carrier()

    first, second = carry(once, tracker, files), carry(once, tracker, files)

    assert first == second
    assert tracker.calls["upload"] == 1 and tracker.calls["download"] == 2


def test_an_upload_failing_with_a_503_is_left_for_the_retry_which_sends_only_what_is_missing(
    tracker: FakeIssueTracker,
) -> None:
    files = [tracker.files.add("screen.png", PNG), tracker.files.add("act.pdf", PDF)]
    once = carrier()
    tracker.faults.add("upload", TransientFailure("tracker: 503 on POST /v2/attachments/"))
    tracker.faults.add("upload", TransientFailure("tracker: 503 on POST /v2/attachments/"))

    with pytest.raises(TransientFailure):
        carry(once, tracker, files)
    with pytest.raises(TransientFailure):
        carry(once, tracker, files)
    carried = carry(once, tracker, files)

    assert carried.uploaded == ["tmp-1", "tmp-2"]
    assert [name for name, _ in tracker.files.uploaded.values()] == ["screen.png", "act.pdf"]


def test_a_lost_answer_to_an_upload_is_not_repeated_at_once(tracker: FakeIssueTracker) -> None:
    files = [tracker.files.add("screen.png", PNG)]
    once = carrier()
    tracker.faults.add("upload", OutcomeUnknown("tracker: timeout on POST /v2/attachments/"))

    with pytest.raises(OutcomeUnknown):
        carry(once, tracker, files)
    assert tracker.calls["upload"] == 1  # the retry is the outbox's, later
    carried = carry(once, tracker, files)

    assert carried.uploaded == ["tmp-2"]  # the first upload, never named by a comment, stays an unused temporary file


def test_files_carried_once_are_recorded_with_their_sizes(tracker: FakeIssueTracker) -> None:
    local_sizes: list[int] = []

    def upload(file: LocalFile) -> str:
        local_sizes.append(file.size)
        return tracker.upload(file)

    once = carrier()
    once.carry("x", [tracker.files.add("a.png", PNG)], tracker, upload, None)

    assert local_sizes == [len(PNG)]
