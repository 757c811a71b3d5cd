"""The one outbound call policy every HTTP adapter uses.

- Every call has a timeout, shortened to fit what is left of the invocation (`deadline`).
- Retries happen only for a reason: 429 (honouring `Retry-After`), 5xx and connection errors, with exponential
  backoff and jitter, and only where repeating is safe. A non-idempotent write (`idempotent=False`) is retried only
  when the request surely did not reach the server (a refused connection, a 429); when its answer is lost (a read
  timeout, a 5xx) it raises `OutcomeUnknown` and the caller checks its own record before writing again.
"""

from __future__ import annotations

import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from ports.errors import NotFound, OutcomeUnknown, PermanentFailure, TransientFailure

log = logging.getLogger("servicedesk.http")

# monotonic time by which the current invocation must have answered; set by the function entrypoint
invocation_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("invocation_deadline", default=None)

SAFETY_MARGIN = 0.5
MIN_TIMEOUT = 0.2


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0
    max_retry_after: float = 10.0  # a longer Retry-After defers to the outbox instead of sleeping


class HttpClient:
    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        headers: Mapping[str, str],
        *,
        service: str,
        timeout: float = 10.0,
        connect_timeout: float = 3.05,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.service = service
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    def request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        before_attempt: Callable[[], None] | None = None,
        data: Callable[[], Any] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """`before_attempt` runs before every attempt, retries included (e.g. to take a rate-limit slot).

        `data` builds a fresh body for every attempt (a streamed upload is read once per attempt); `headers` replace
        the client's own (an upload to a presigned URL carries no credentials); `path` may be a whole URL."""
        absolute = path.startswith(("http://", "https://"))
        url = path if absolute else self.base_url + path
        if absolute:
            path = urlsplit(url).path  # what errors and logs show: never a presigned URL's query (a credential)
        attempt = 0
        while True:
            attempt += 1
            if before_attempt is not None:
                before_attempt()
            try:
                response = self.session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    data=data() if data is not None else None,
                    headers=self.headers if headers is None else headers,
                    timeout=self._timeouts(),
                    stream=stream,
                )
            except requests.ConnectTimeout as e:
                failure: TransientFailure = TransientFailure(f"{self.service}: connect timeout")
                cause: BaseException = e
            except requests.Timeout as e:
                failure = self._lost(f"{self.service}: timeout on {method} {path}", idempotent)
                cause = e
            except requests.ConnectionError as e:
                message = f"{self.service}: connection error on {method} {path}"
                failure = TransientFailure(message) if _never_sent(e) else self._lost(message, idempotent)
                cause = e
            else:
                status = response.status_code
                if status < 400:
                    return response
                if status == 429:
                    failure = TransientFailure(f"{self.service}: 429 on {method} {path}", _retry_after(response))
                elif status >= 500:
                    failure = self._lost(f"{self.service}: {status} on {method} {path}", idempotent)
                    failure.retry_after = _retry_after(response)
                elif status == 404:
                    raise NotFound(f"{self.service}: 404 on {method} {path}")
                else:
                    raise PermanentFailure(f"{self.service}: {status} on {method} {path}: {_brief(response)}", status)
                cause = failure
            delay = self._delay(failure, attempt)
            if isinstance(failure, OutcomeUnknown) or delay is None:
                raise failure from cause
            log.warning(
                "retrying", extra={"service": self.service, "reason": str(failure), "attempt": attempt, "delay": delay}
            )
            self.sleep(delay)

    def _lost(self, message: str, idempotent: bool) -> TransientFailure:
        return TransientFailure(message) if idempotent else OutcomeUnknown(message)

    def _delay(self, failure: TransientFailure, attempt: int) -> float | None:
        if attempt >= self.policy.attempts:
            return None
        if failure.retry_after is not None:
            delay = failure.retry_after
            if delay > self.policy.max_retry_after:
                return None
        else:
            backoff = min(self.policy.max_delay, self.policy.base_delay * 2 ** (attempt - 1))
            delay = random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not cryptography
        left = time_left()
        if left is not None and delay + MIN_TIMEOUT + SAFETY_MARGIN > left:
            return None
        return delay

    def _timeouts(self) -> tuple[float, float]:
        left = time_left()
        if left is None:
            return (self.connect_timeout, self.timeout)
        budget = max(MIN_TIMEOUT, left - SAFETY_MARGIN)
        return (min(self.connect_timeout, budget), min(self.timeout, budget))


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Calls inside finish within `seconds` (or the invocation's own deadline, if sooner)."""
    current = invocation_deadline.get()
    deadline = time.monotonic() + seconds
    token = invocation_deadline.set(deadline if current is None else min(current, deadline))
    try:
        yield
    finally:
        invocation_deadline.reset(token)


def time_left() -> float | None:
    deadline = invocation_deadline.get()
    return None if deadline is None else deadline - time.monotonic()


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
