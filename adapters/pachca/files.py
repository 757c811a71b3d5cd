"""Files of Pachca messages: read from `GET /messages/{id}`, downloaded from their presigned URLs, and uploaded in
Pachca's three steps (`POST /uploads`, the form post to its `direct_url`; the message naming the file is the third).
See docs/files.md."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from pydantic import ConfigDict

from adapters.http.client import HttpClient, reading
from adapters.http.transfer import FetchPolicy, MultipartUpload, download, safe_name
from adapters.pachca.messenger import parse_reply
from adapters.pachca.models import Data, Reply
from domain.files import FileRef, LocalFile, clean_name
from domain.images import picture
from ports.files import MessengerFiles, PachcaUpload

FILENAME_PLACEHOLDER = "${filename}"
PREVIEWED = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})  # see domain.images
# The storage hosts Pachca's OpenAPI spec names in its examples: `File.url`
# (pachca-prod-uploads.s3.storage.selcloud.ru), `AvatarData.image_url` (pachca-prod.s3.amazonaws.com) and
# `UploadParams.direct_url` (api.pachca.com). Examples are not a promise: docs/files.md marks this an assumption.
STORAGE_HOSTS = ("pachca-prod-uploads.s3.storage.selcloud.ru", "pachca-prod.s3.amazonaws.com", ".pachca.com")


def storage_policy(api_base_url: str) -> FetchPolicy:
    """Downloads of message files: only from the storage hosts the API names (and the API's own host, as
    configured), never to a loopback, private or link-local address, before or after a redirect."""
    return FetchPolicy(trusted=frozenset({(urlsplit(api_base_url).hostname or "").casefold()}), allowed=STORAGE_HOSTS)


class _File(Reply):
    id: int | str | None = None
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
    """Implements MessengerFiles. Presigned URLs get no credentials: they carry their own signature. `policy` says
    where a download may go (`storage_policy` of the API's base URL unless given: tests allow their own server)."""

    client: HttpClient
    policy: FetchPolicy | None = None

    def message_files(self, message_id: int) -> list[FileRef]:
        response = self.client.request("GET", f"/messages/{message_id}", idempotent=True)
        files = parse_reply(response, Data[_MessageFiles]).data.files or []
        return [
            FileRef(clean_name(f.name), f.url, image=f.file_type == "image", ident=str(f.id or clean_name(f.name)))
            for f in files
        ]

    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        policy = self.policy or storage_policy(self.client.base_url)
        return download(self.client, file.url, file, max_bytes, headers={}, policy=policy)

    def upload(self, file: LocalFile) -> PachcaUpload:
        """Pachca's SDK fills `${filename}` into `key` before the form post, so the key posted to storage is the one
        the message names (not left to storage to substitute a non-ASCII multipart file name); only a PNG, JPEG,
        GIF or WebP is an `image`, with the width and height read from its header (docs/files.md)."""
        # getting upload parameters makes nothing visible, and the form post writes one key: both safe to repeat
        params, fields = _upload_params(self.client.request("POST", "/uploads", idempotent=True))
        name = safe_name(file.ref.name)
        key = params.key.replace(FILENAME_PLACEHOLDER, name)  # the name's extension is the key's, as Pachca checks
        fields = [(field, key if field == "key" else value) for field, value in fields]
        upload = MultipartUpload(fields, "file", file, name)
        with upload.bodies() as body:
            headers = {"Content-Type": upload.content_type}
            self.client.request("POST", params.direct_url, idempotent=True, data=body, headers=headers)
        with open(file.path, "rb") as stream:
            shown = picture(stream)
        if shown is not None:
            return PachcaUpload(key, name, "image", file.size, shown.width, shown.height)
        if file.ref.is_image and file.ref.mime in PREVIEWED:  # said to be one, but its header cannot be read
            return PachcaUpload(key, name, "image", file.size)
        return PachcaUpload(key, name, "file", file.size)


def _upload_params(response: requests.Response) -> tuple[_UploadParams, list[tuple[str, str]]]:
    """`POST /uploads` answers a flat object (no `data` envelope); every field but the URL goes into the form post,
    in the order received."""
    with reading("POST /uploads", "pachca"):
        params = _UploadParams.model_validate_json(response.content)
        received = json.loads(response.content)
    return params, [(name, str(value)) for name, value in received.items() if name != "direct_url"]
