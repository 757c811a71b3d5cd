"""A request and its response, the same for the function and the local server, and the refusals they share."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_REQUEST_ID = 128
REQUEST_ID = re.compile(r"[!-~]+")  # printable ASCII, no spaces


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes
    request_id: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def request_id(given: str) -> str:
    """The caller's X-Request-Id when it is short and printable ASCII; otherwise one of our own. It goes into
    every log line of the request, and the caller is not authenticated yet."""
    if 0 < len(given) <= MAX_REQUEST_ID and REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: dict[str, Any] = field(default_factory=dict)

    def json(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode()


class Unauthorized(Exception):
    pass


class MethodNotAllowed(Exception):
    pass


class PayloadTooLarge(Exception):
    pass
