"""The bridge's HTTP exchange, the same for the function and the local server: a request, a response, and the one
error table that turns a refusal into its status (see docs/interface.md, «HTTP interface»)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from entrypoints.payloads import BadPayload
from ports.errors import StateUnavailable


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes
    request_id: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


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


class NotConfigured(Exception):
    pass


# the one error table: (exception, status, whether its message is safe to show)
ERRORS: tuple[tuple[type[BaseException], int, bool], ...] = (
    (Unauthorized, 401, True),
    (BadPayload, 400, True),
    (PayloadTooLarge, 413, True),
    (MethodNotAllowed, 405, True),
    (NotConfigured, 503, True),
    (StateUnavailable, 503, False),
)


def error_response(error: BaseException) -> HttpResponse:
    for kind, status, shown in ERRORS:
        if isinstance(error, kind):
            reason = str(error) if shown else "state store unavailable"
            return HttpResponse(status, {"ok": False, "error": reason})
    return HttpResponse(503, {"ok": False, "error": "internal error"})
