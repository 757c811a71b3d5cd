"""Carrying a message's or a comment's files to the other side, each file once, within the limits."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial

from application.once.writes import OnceWriter
from domain.files import FileLimits, FileRef, LocalFile, Skip, over_cap_line, shown_name, skipped_line
from ports.errors import FileTooLarge, PermanentFailure, TransientFailure
from ports.files import FileSource, MessengerFiles, PachcaUpload, TrackerFiles
from ports.state.records import WriteLog

FILE_UPLOAD = "file_upload"
FILES_SEEN = "pachca_files_seen"
DOWNLOAD_TRIES = 2  # a download that broke off is tried once more at once; then the file is named, the text goes

log = logging.getLogger("servicedesk.files")


def file_effect(effect: str, index: int) -> str:
    """The write of one file of the message or comment whose own write is `effect`."""
    return f"{effect}:file:{index}"


def files_effect(message_id: int) -> str:
    """Records the files a carried Pachca message had, by Pachca's file id, as `{id: name}`: an edit compares."""
    return f"files:{message_id}"


@dataclass(frozen=True)
class EditedFiles:
    """What an edit did to a carried message's files: the added ones carried (ids on the other side, lines for those
    left out), the removed ones named."""

    uploaded: list[str]
    lines: list[str]
    added: list[str]  # names
    removed: list[str]  # names
    now: dict[str, str]  # the message's files after the edit, as `files_effect` records them

    def text(self) -> str:
        parts = []
        if self.added:
            parts.append("Файлы, добавленные в сообщение при редактировании: " + _names(self.added) + ".")
        if self.removed:
            parts.append(f"Из сообщения в Пачке удалены файлы: {_names(self.removed)} (в Трекере они остаются).")
        return "\n\n".join([*parts, *self.lines])


def _names(names: list[str]) -> str:
    return ", ".join(f"«{shown_name(name)}»" for name in names)


def recorded_lines(log: WriteLog, effect: str) -> list[str]:
    """The lines that replaced files left out of `effect`, as recorded when it was carried (for an edit to keep)."""
    outcomes = []
    record = log.lookup(file_effect(effect, 0))
    while record is not None and record.external_id is not None:
        outcomes.append(json.loads(record.external_id))
        record = log.lookup(file_effect(effect, len(outcomes)))
    return [str(outcome["line"]) for outcome in outcomes if "line" in outcome]


@dataclass(frozen=True)
class CarriedFiles:
    uploaded: list[str] = field(default_factory=list)  # what the target side named each uploaded file
    lines: list[str] = field(default_factory=list)  # one line for each file left out, to add to the text

    def text_with_lines(self, text: str) -> str:
        return "\n\n".join([text, *self.lines]) if self.lines else text


@dataclass(frozen=True)
class FileCarrier:
    """Rules:
    - files go one at a time, downloaded to a temporary file and uploaded from it, never held whole in memory;
    - at most `MAX_FILES` files of one message or comment go; the rest are named in one line;
    - a file over `MAX_FILE_MB`, or over what is left of the event's total, is not downloaded past the limit: a line
      names it, its size and why; so does a file that cannot be had, whatever the reason (a 404, an expired link, a
      redirect loop or a refused address, a download that broke off twice or took too long): the text still goes,
      within a bounded time;
    - each file's outcome (the uploaded id, or its line) is recorded once, so a retried or repeated event uploads
      nothing twice; a transient failure of the upload (the other side's 5xx) leaves the file to the outbox's retry;
    - an upload whose answer was lost is not repeated at once: the event is retried later, and an upload that never
      became part of a message or comment stays invisible on the other side.
    """

    writer: OnceWriter
    limits: FileLimits
    messenger: MessengerFiles
    tracker: TrackerFiles

    def to_tracker(self, effect: str, message_id: int, link: str | None) -> CarriedFiles:
        """A Pachca message's files as temporary Tracker attachments (`uploaded`: their ids); which files they were
        is recorded, for an edit to tell what it added or removed."""
        files = self._message_files(message_id)
        if files is None:
            return CarriedFiles()
        if self.writer.log.lookup(files_effect(message_id)) is None:  # the first carry's files are the baseline
            self._seen(message_id, files)
        return self.carry(effect, files, self.messenger, self.tracker.upload, link) if files else CarriedFiles()

    def edited(self, message_id: int, version: str) -> EditedFiles | None:
        """The files an edit added (carried, each once) and removed (named; nothing is deleted on the other side),
        or None when the edit changed no file. A message carried before its files were recorded (or whose record
        has expired) is taken to have had the files it has now: nothing is carried twice."""
        files = self._message_files(message_id)
        record = self.writer.log.lookup(files_effect(message_id))
        if files is None:
            return None
        if record is None or record.external_id is None:
            self._seen(message_id, files)
            return None
        seen: dict[str, str] = json.loads(record.external_id)
        now = _by_ident(files)
        added = [file for file in files if _ident(file) not in seen]
        removed = [name for ident, name in seen.items() if ident not in now]
        if not added and not removed:
            return None
        carried = self.carry(f"edit:{message_id}@{version}", added, self.messenger, self.tracker.upload, None)
        return EditedFiles(carried.uploaded, carried.lines, [file.name for file in added], removed, now)

    def edited_noted(self, message_id: int, change: EditedFiles) -> None:
        """After the edit's files reached the other side: the message's files as they are now are the baseline."""
        self.writer.remember(files_effect(message_id), FILES_SEEN, json.dumps(change.now, ensure_ascii=False))

    def _message_files(self, message_id: int) -> list[FileRef] | None:
        try:
            return self.messenger.message_files(message_id)  # a webhook does not say whether there are any
        except PermanentFailure as e:  # a message deleted meanwhile, a token without `messages:read`: text only
            log.warning("the message's files cannot be read", extra={"message_id": message_id, "error": str(e)})
            return None

    def _seen(self, message_id: int, files: Sequence[FileRef]) -> None:
        self.writer.remember(files_effect(message_id), FILES_SEEN, json.dumps(_by_ident(files), ensure_ascii=False))

    def to_pachca(
        self, effect: str, files: Sequence[FileRef], link: str | None
    ) -> tuple[list[PachcaUpload], list[str]]:
        """A Tracker comment's files as uploads to name on a Pachca message, and the lines for those left out."""

        def upload(file: LocalFile) -> str:
            return json.dumps(asdict(self.messenger.upload(file)), ensure_ascii=False)

        carried = self.carry(effect, files, self.tracker, upload, link)
        return [PachcaUpload(**json.loads(u)) for u in carried.uploaded], carried.lines

    def carry(
        self,
        effect: str,
        files: Sequence[FileRef],
        source: FileSource,
        upload: Callable[[LocalFile], str],
        link: str | None,
    ) -> CarriedFiles:
        carried = CarriedFiles()
        used = 0
        kept, over = files[: self.limits.max_files], files[self.limits.max_files :]
        for index, file in enumerate(kept):
            send = partial(self._one, file, source, upload, used, link)
            outcome = json.loads(self.writer.write(file_effect(effect, index), FILE_UPLOAD, send, lambda: None, True))
            if "line" in outcome:
                carried.lines.append(outcome["line"])
            else:
                carried.uploaded.append(outcome["id"])
                used += outcome["size"]
        if over:
            line = json.dumps({"line": over_cap_line(over, self.limits, link)}, ensure_ascii=False)
            recorded = self.writer.write(file_effect(effect, len(kept)), FILE_UPLOAD, lambda: line, lambda: None, True)
            carried.lines.append(json.loads(recorded)["line"])
        return carried

    def _one(
        self, file: FileRef, source: FileSource, upload: Callable[[LocalFile], str], used: int, link: str | None
    ) -> str:
        reason = self.limits.skip_reason(file.size, used)
        size = file.size
        for attempt in range(1, DOWNLOAD_TRIES + 1):
            if reason is not None:
                break
            try:
                with source.download(file, self.limits.room(used)) as local:
                    return json.dumps({"id": _uploaded(upload, local), "size": local.size, "file": file.ident})
            except _UploadFailed as e:
                raise e.failure from e.failure.__cause__
            except FileTooLarge as e:
                size = e.size
                whole = size is None and self.limits.room(used) == self.limits.max_file_bytes
                reason = Skip.TOO_LARGE if whole or (size or 0) > self.limits.max_file_bytes else Skip.OVER_TOTAL
            except PermanentFailure as e:
                log.warning("a file cannot be had: it is named instead", extra={"error": str(e)})
                reason = Skip.UNAVAILABLE
            except TransientFailure as e:
                log.warning("a download failed", extra={"error": str(e), "attempt": attempt})
                if attempt == DOWNLOAD_TRIES:
                    reason = Skip.UNAVAILABLE
        assert reason is not None
        line = skipped_line(file, reason, self.limits, link, size)
        return json.dumps({"line": line, "file": file.ident}, ensure_ascii=False)


class _UploadFailed(Exception):
    """A transient failure of the upload, not of the download: it goes to the outbox's retry, not into a line."""

    def __init__(self, failure: TransientFailure) -> None:
        super().__init__(str(failure))
        self.failure = failure


def _uploaded(upload: Callable[[LocalFile], str], local: LocalFile) -> str:
    try:
        return upload(local)
    except TransientFailure as e:
        raise _UploadFailed(e) from e


def _ident(file: FileRef) -> str:
    return file.ident or file.name


def _by_ident(files: Sequence[FileRef]) -> dict[str, str]:
    return {_ident(file): file.name for file in files}
