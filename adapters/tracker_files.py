"""Tracker attachments and edits: a comment's files (`expand=attachments`, then the issue's attachment list for their
names, sizes and download URLs), temporary attachments (`POST /v2/attachments/`), and the PATCHes of a description
and a comment. See docs/tracker.md."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import TypeAdapter

from adapters.http import HttpClient
from adapters.tracker import _CommentId, _Model, _reading, _segment
from adapters.transfer import MultipartUpload, download, safe_name
from domain.files import FileRef, LocalFile
from domain.model import TicketKey
from ports.errors import PermanentFailure


class _AttachmentRef(_Model):
    id: str
    display: str = ""


class _CommentFiles(_Model):
    attachments: list[_AttachmentRef] | None = None


class _Attachment(_Model):
    id: str
    name: str = ""
    content: str = ""
    mimetype: str = ""
    size: int | None = None


class _Description(_Model):
    description: str | None = None


_ATTACHMENTS = TypeAdapter(list[_Attachment])


class HttpTrackerFiles:
    """Implements TrackerFiles. The robot's credentials go only to the Tracker API's own host."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def comment_files(self, key: TicketKey, comment_id: str) -> list[FileRef]:
        path = f"/v2/issues/{key}/comments/{_segment(comment_id)}"
        response = self.client.request("GET", path, idempotent=True, params={"expand": "attachments"})
        with _reading(f"GET {path}"):
            refs = _CommentFiles.model_validate_json(response.content).attachments or []
        if not refs:
            return []
        known = {attachment.id: attachment for attachment in self._issue_attachments(key)}
        return [self._file(key, ref, known.get(ref.id)) for ref in refs]

    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        if not self._own(file.url):
            raise PermanentFailure("tracker: an attachment outside the API's host is not fetched with its credentials")
        return download(self.client, file.url, file, max_bytes, self.client.headers)

    def upload(self, file: LocalFile) -> str:
        name = safe_name(file.ref.name)
        upload = MultipartUpload([], "file", file, name)
        headers = {**self.client.headers, "Content-Type": upload.content_type}
        with upload.bodies() as body:
            response = self.client.request(
                "POST", "/v2/attachments/", idempotent=False, params={"filename": name}, data=body, headers=headers
            )
        with _reading("POST /v2/attachments/"):
            return _CommentId.model_validate_json(response.content).id

    def description(self, key: TicketKey) -> str:
        response = self.client.request("GET", f"/v2/issues/{key}", idempotent=True)
        with _reading(f"GET /v2/issues/{key}"):
            return _Description.model_validate_json(response.content).description or ""

    def update_description(self, key: TicketKey, description: str) -> None:
        self._patch(f"/v2/issues/{key}", {"description": description, "markupType": "md"})

    def edit_comment(self, key: TicketKey, comment_id: str, text: str) -> None:
        self._patch(f"/v2/issues/{key}/comments/{_segment(comment_id)}", {"text": text, "markupType": "md"})

    def _patch(self, path: str, body: dict[str, Any]) -> None:
        self.client.request("PATCH", path, idempotent=True, json=body)  # the same PATCH twice has one effect

    def _issue_attachments(self, key: TicketKey) -> list[_Attachment]:
        path = f"/v2/issues/{key}/attachments"
        response = self.client.request("GET", path, idempotent=True)
        with _reading(f"GET {path}"):
            return _ATTACHMENTS.validate_json(response.content)

    def _file(self, key: TicketKey, ref: _AttachmentRef, found: _Attachment | None) -> FileRef:
        name = (found.name if found else "") or ref.display or ref.id
        url = found.content if found and found.content else ""
        url = url or f"{self.client.base_url}/v2/issues/{key}/attachments/{_segment(ref.id)}/{quote(name)}"
        return FileRef(name, url, found.size if found else None, found.mimetype if found else "")

    def _own(self, url: str) -> bool:
        mine, theirs = urlsplit(self.client.base_url), urlsplit(url)
        return (theirs.scheme, theirs.netloc) == (mine.scheme, mine.netloc)
