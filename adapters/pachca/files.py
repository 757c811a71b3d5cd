"""Files of Pachca messages: read from `GET /messages/{id}`, downloaded from their presigned URLs, and uploaded in
Pachca's three steps (`POST /uploads`, the form post to its `direct_url`; the message naming the file is the third).
See docs/files.md."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass

import requests
from pydantic import ConfigDict

from adapters.http.client import HttpClient
from adapters.http.transfer import MultipartUpload, download, safe_name
from adapters.pachca.messenger import parse_reply
from adapters.pachca.models import Data, Reply
from domain.files import FileRef, LocalFile
from ports.errors import PermanentFailure
from ports.files import MessengerFiles, PachcaUpload

FILENAME_PLACEHOLDER = "${filename}"


class _File(Reply):
    name: str
    url: str
    file_type: str = "file"


class _MessageFiles(Reply):
    files: list[_File] | None = None


class _UploadParams(Reply):
    model_config = ConfigDict(extra="allow", defer_build=True)

    key: str
    direct_url: str


@dataclass(frozen=True)
class HttpMessengerFiles(MessengerFiles):
    """Implements MessengerFiles. Presigned URLs get no credentials: they carry their own signature."""

    client: HttpClient

    def message_files(self, message_id: int) -> list[FileRef]:
        response = self.client.request("GET", f"/messages/{message_id}", idempotent=True)
        files = parse_reply(response, Data[_MessageFiles]).data.files or []
        return [FileRef(f.name, f.url, image=f.file_type == "image") for f in files]

    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        return download(self.client, file.url, file, max_bytes, headers={})

    def upload(self, file: LocalFile) -> PachcaUpload:
        # getting upload parameters makes nothing visible, and the form post writes one key: both safe to repeat
        params, fields = _upload_params(self.client.request("POST", "/uploads", idempotent=True))
        name = safe_name(file.ref.name)
        upload = MultipartUpload(fields, "file", file, name)
        with upload.bodies() as body:
            headers = {"Content-Type": upload.content_type}
            self.client.request("POST", params.direct_url, idempotent=True, data=body, headers=headers)
        key = params.key.replace(FILENAME_PLACEHOLDER, name)  # so the name's extension is the key's, as Pachca checks
        return PachcaUpload(key, name, "image" if file.ref.is_image else "file", file.size)


def _upload_params(response: requests.Response) -> tuple[_UploadParams, list[tuple[str, str]]]:
    """`POST /uploads` answers a flat object (no `data` envelope); every field but the URL goes into the form post,
    in the order received."""
    try:
        params = _UploadParams.model_validate_json(response.content)
        received = json.loads(response.content)
    except ValueError as e:
        raise PermanentFailure("pachca: unexpected answer to POST /uploads") from e
    return params, [(name, str(value)) for name, value in received.items() if name != "direct_url"]
