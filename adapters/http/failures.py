"""What went wrong with one HTTP attempt, in the ports' terms: worth retrying, unknown outcome, or refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from ports.errors import NotFound, OutcomeUnknown, PermanentFailure, TransientFailure

PATH_SHOWN = 200  # of a path in an error: a path built from a hostile text can be 100 KB


@dataclass(frozen=True)
class Call:
    service: str
    method: str
    path: str
    idempotent: bool
    json: Any = None
    params: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        path = self.path if len(self.path) <= PATH_SHOWN else self.path[: PATH_SHOWN - 1] + "…"
        return f"{self.method} {path}"

    def lost(self, message: str) -> TransientFailure:
        """The answer was lost: a write that is not idempotent may have happened, so it is not repeated."""
        return TransientFailure(message) if self.idempotent else OutcomeUnknown(message)


def unanswered(call: Call, error: requests.RequestException) -> TransientFailure:
    """The failure for an attempt that got no answer; anything but a timeout or a connection error is raised."""
    if isinstance(error, requests.ConnectTimeout):
        return TransientFailure(f"{call.service}: connect timeout")
    if isinstance(error, requests.Timeout):
        return call.lost(f"{call.service}: timeout on {call}")
    if isinstance(error, requests.ConnectionError):
        message = f"{call.service}: connection error on {call}"
        return TransientFailure(message) if _never_sent(error) else call.lost(message)
    raise error


def classify(call: Call, response: requests.Response) -> TransientFailure | None:
    """None for a success; a failure worth retrying; a refusal (404, other 4xx) is raised."""
    status = response.status_code
    if status < 400:
        return None
    if status == 429:
        return TransientFailure(f"{call.service}: 429 on {call}", _retry_after(response))
    if status >= 500:
        failure = call.lost(f"{call.service}: {status} on {call}")
        failure.retry_after = _retry_after(response)
        return failure
    if status == 404:
        raise NotFound(f"{call.service}: 404 on {call}")
    raise PermanentFailure(f"{call.service}: {status} on {call}: {_brief(response)}", status)


def _never_sent(error: requests.ConnectionError) -> bool:
    """A refused or unresolvable connection: the request cannot have reached the server."""
    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError | NameResolutionError)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _brief(response: requests.Response) -> str:
    return response.text[:300].replace("\n", " ")
