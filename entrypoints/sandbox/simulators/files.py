"""Files as the two APIs move them, simulated: a file to download (of the size its path ends with, streamed),
Pachca's upload in its steps (`POST /uploads` gives a presigned form, the form post goes to its `direct_url`), and
Tracker's temporary attachments (`POST /v2/attachments/`). Uploads are counted, not kept."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from entrypoints.sandbox.simulators.http import Answer, Call, Stream, answer

SIGNED_FIELDS = ("Content-Disposition", "acl", "policy", "x-amz-credential", "x-amz-algorithm", "x-amz-date")


class Files:
    def __init__(self) -> None:
        self.received = 0  # bytes uploaded, either way
        self.ids = itertools.count(1)
        self._lock = threading.Lock()
        self.routes: list[tuple[str, Callable[..., Answer]]] = [
            ("GET /pachca/files/{size}", lambda call, size: _download(size)),
            ("POST /pachca/uploads", self._upload_form),
            ("POST /pachca/direct", self._take(Answer(204, b""))),
            ("POST /tracker/v2/attachments/", self._attachment),
            ("GET /tracker/v2/issues/{key}/attachments/{id}/{size}", lambda call, key, id_, size: _download(size)),
        ]

    def _upload_form(self, call: Call) -> Answer:
        """Pachca's answer: a flat object, every field but the URL to be sent back in the form post."""
        direct_url = call.base_url.removesuffix("/uploads") + "/direct"
        fields = {name: "x" for name in (*SIGNED_FIELDS, "x-amz-signature")}
        return answer({**fields, "key": "attaches/files/1/${filename}", "direct_url": direct_url}, 201)

    def _attachment(self, call: Call) -> Answer:
        self._count(call)
        name = call.args.get("filename", "file")
        return answer({"id": f"6231e9bd0c6f8e1d3a3b{next(self.ids):04d}", "name": name, "size": len(call.body)}, 201)

    def _take(self, reply: Answer) -> Callable[[Call], Answer]:
        def take(call: Call) -> Answer:
            self._count(call)
            return reply

        return take

    def _count(self, call: Call) -> None:
        with self._lock:
            self.received += len(call.body)


def _download(size: str) -> Answer:
    return Answer(200, Stream(int(size)), content_type="application/octet-stream")
