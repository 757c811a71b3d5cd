"""Tracker attachments and edits: downloads of attachments (their URLs come with the comment, `get_comment`),
temporary attachments (`POST /v2/attachments/`), and the PATCHes of a description and a comment.
See docs/files.md."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from adapters.http.client import HttpClient, segment
from adapters.http.transfer import FetchPolicy, MultipartUpload, download, safe_name
from adapters.tracker.client import reading
from adapters.tracker.models import CommentId, Description
from domain.files import FileRef, LocalFile
from domain.tickets import TicketKey
from ports.errors import PermanentFailure
from ports.files import TrackerFiles


@dataclass(frozen=True)
class HttpTrackerFiles(TrackerFiles):
    """Implements TrackerFiles. The robot's credentials go only to the Tracker API's own host; a redirect away from it
    (to storage) goes without them, and only to a public address (`policy`, unless given: tests allow their own
    server)."""

    client: HttpClient
    policy: FetchPolicy | None = None

    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        if not self._own(file.url):
            raise PermanentFailure("tracker: an attachment outside the API's host is not fetched with its credentials")
        host = (urlsplit(self.client.base_url).hostname or "").casefold()
        policy = self.policy or FetchPolicy(trusted=frozenset({host}))
        return download(self.client, file.url, file, max_bytes, self.client.headers, policy)

    def upload(self, file: LocalFile) -> str:
        name = safe_name(file.ref.name)
        upload = MultipartUpload([], "file", file, name)
        headers = {**self.client.headers, "Content-Type": upload.content_type}
        with upload.bodies() as body:
            response = self.client.request(
                "POST", "/v2/attachments/", idempotent=False, params={"filename": name}, data=body, headers=headers
            )
        with reading("POST /v2/attachments/"):
            return CommentId.model_validate_json(response.content).id

    def description(self, key: TicketKey) -> str:
        response = self.client.request("GET", f"/v2/issues/{key}", idempotent=True)
        with reading(f"GET /v2/issues/{key}"):
            return Description.model_validate_json(response.content).description or ""

    def update_description(self, key: TicketKey, description: str) -> None:
        self._patch(f"/v2/issues/{key}", {"description": description, "markupType": "md"})

    def edit_comment(self, key: TicketKey, comment_id: str, text: str) -> None:
        self._patch(f"/v2/issues/{key}/comments/{segment(comment_id)}", {"text": text, "markupType": "md"})

    def _patch(self, path: str, body: dict[str, Any]) -> None:
        self.client.request("PATCH", path, idempotent=True, json=body)  # the same PATCH twice has one effect

    def _own(self, url: str) -> bool:
        mine, theirs = urlsplit(self.client.base_url), urlsplit(url)
        return (theirs.scheme, theirs.netloc) == (mine.scheme, mine.netloc)
