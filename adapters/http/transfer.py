"""Moving file bytes without holding them: a download streamed to a temporary file, an upload streamed from it.

An upload's multipart body is built by requests-toolbelt's MultipartEncoder, which reads the file part in blocks as
the request is sent (requests' own `files=` builds the whole body in memory first).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import requests

from adapters.http.client import HttpClient
from domain.files import FileRef, LocalFile
from ports.errors import FileTooLarge, TransientFailure

CHUNK_BYTES = 64 * 1024
UNSAFE_NAME = re.compile(r'[\x00-\x1f"\\/]')


@contextmanager
def download(
    client: HttpClient, url: str, file: FileRef, max_bytes: int, headers: Mapping[str, str]
) -> Iterator[LocalFile]:
    """GETs `url` in chunks into a temporary file, removed when the context ends (or the download fails)."""
    fd, path = tempfile.mkstemp(prefix="servicedesk-file-")
    try:
        with os.fdopen(fd, "wb") as out:
            size = _copy(client, url, file, max_bytes, headers, out)
        yield LocalFile(file, path, size)
    finally:
        os.unlink(path)


def _copy(client: HttpClient, url: str, file: FileRef, max_bytes: int, headers: Mapping[str, str], out: Any) -> int:
    if file.size is not None and file.size > max_bytes:
        raise FileTooLarge(f"{client.service}: {file.size} bytes, over {max_bytes}", file.size)
    response = client.request("GET", url, idempotent=True, headers=headers, stream=True)
    with response:
        announced = int(response.headers.get("Content-Length") or 0)
        if announced > max_bytes:
            raise FileTooLarge(f"{client.service}: {announced} bytes, over {max_bytes}", announced)
        try:
            size = _write_chunks(response, max_bytes, out, client.service)
        except requests.RequestException as e:
            raise TransientFailure(f"{client.service}: a download broke off") from e
    if announced and size != announced:
        raise TransientFailure(f"{client.service}: a download broke off after {size} of {announced} bytes")
    return size


def _write_chunks(response: requests.Response, max_bytes: int, out: Any, service: str) -> int:
    size = 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(f"{service}: over {max_bytes} bytes", None)  # stopped part way: size unknown
        out.write(chunk)
    return size


def safe_name(name: str) -> str:
    """A file name that fits a multipart header and a storage key: no quotes, slashes or control characters."""
    return UNSAFE_NAME.sub("_", name).strip() or "file"


class MultipartUpload:
    """A multipart body with the file part last, rebuilt from the file for every attempt (a retry reads it again)."""

    def __init__(self, fields: Sequence[tuple[str, str]], part: str, file: LocalFile, name: str) -> None:
        self.fields = list(fields)
        self.part = part
        self.file = file
        self.name = name
        self.boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"

    @contextmanager
    def bodies(self) -> Iterator[Any]:
        """A factory of fresh bodies; every file handle it opened is closed when the context ends."""
        from requests_toolbelt import MultipartEncoder  # only where a file is carried: a shorter cold start

        with ExitStack() as handles:

            def body() -> Any:
                handle = handles.enter_context(open(self.file.path, "rb"))
                parts = [*self.fields, (self.part, (self.name, handle, self.file.ref.mime))]
                return MultipartEncoder(fields=parts, boundary=self.boundary)

            yield body
