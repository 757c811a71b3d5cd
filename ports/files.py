"""Files on both sides: reading what a message or comment carries, downloading it, uploading it to the other side."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.files import FileRef, LocalFile
from domain.tickets import TicketKey


@dataclass(frozen=True)
class PachcaUpload:
    """A file uploaded to Pachca's storage, ready to be named in a message's `files`."""

    key: str
    name: str
    file_type: str  # "image" shows inline (a PNG, JPEG, GIF or WebP); "file" otherwise
    size: int
    width: int | None = None  # an image's size in pixels, which Pachca needs for its preview
    height: int | None = None


@runtime_checkable
class FileSource(Protocol):
    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        """Streams the file to a temporary path that lives as long as the context.

        Raises FileTooLarge past `max_bytes`, NotFound or PermanentFailure when it cannot be had, TransientFailure when
        it may be had later."""
        ...


@runtime_checkable
class MessengerFiles(FileSource, Protocol):
    """Files of the team messenger's messages."""

    def message_files(self, message_id: int) -> list[FileRef]: ...

    def upload(self, file: LocalFile) -> PachcaUpload:
        """Puts the file into the messenger's storage; it shows nowhere until a message names it."""
        ...


@runtime_checkable
class TrackerFiles(FileSource, Protocol):
    """Attachments and the edits of the issue tracker."""

    def upload(self, file: LocalFile) -> str:
        """Uploads a temporary attachment and returns its id, for `attachment_ids` of a new issue or comment.

        Not repeated when its answer is lost (OutcomeUnknown): an unused temporary attachment is invisible."""
        ...

    def description(self, key: TicketKey) -> str: ...

    def update_description(self, key: TicketKey, description: str) -> None: ...

    def edit_comment(self, key: TicketKey, comment_id: str, text: str) -> None: ...
