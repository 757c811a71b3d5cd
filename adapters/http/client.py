"""The one outbound call policy every HTTP adapter uses.

- Every call has a timeout, shortened to fit what is left of the invocation (`InvocationBudget`, below).
- Retries happen only for a reason: 429 (honouring `Retry-After`), 5xx and connection errors, with exponential
  backoff and jitter, and only where repeating is safe. A non-idempotent write (`idempotent=False`) is retried only
  when the request surely did not reach the server (a refused connection, a 429); when its answer is lost (a read
  timeout, a 5xx) it raises `OutcomeUnknown` and the caller checks its own record before writing again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from ports.errors import NotFound, OutcomeUnknown, PermanentFailure, TransientFailure

log = logging.getLogger("servicedesk.http")

SAFETY_MARGIN = 0.5
MIN_TIMEOUT = 0.2


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0
    max_retry_after: float = 10.0  # a longer Retry-After defers to the outbox instead of sleeping


@dataclass(frozen=True)
class _Send:
    url: str
    data: Callable[[], Any] | None
    headers: Mapping[str, str]
    stream: bool
    follow_redirects: bool = True


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
        budget: InvocationBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.service = service
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.policy = policy or RetryPolicy()
        self.budget = budget or InvocationBudget()
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
        follow_redirects: bool = True,
    ) -> requests.Response:
        """`before_attempt` runs before every attempt, retries included (e.g. to take a rate-limit slot).

        `data` builds a fresh body for every attempt (a streamed upload is read again); `headers` replace the
        client's own (a presigned URL gets no credentials); `path` may be a whole URL, whose query (a presigned
        signature) never reaches an error or a log line. `follow_redirects=False` answers a redirect as it is, for a
        caller that checks where each hop goes (a download, `adapters.http.transfer`)."""
        absolute = path.startswith(("http://", "https://"))
        call = Call(self.service, method, urlsplit(path).path if absolute else path, idempotent, json, params)
        send = _Send(
            path if absolute else self.base_url + path,
            data,
            self.headers if headers is None else headers,
            stream,
            follow_redirects,
        )
        attempt = 0
        while True:
            attempt += 1
            if before_attempt is not None:
                before_attempt()
            outcome = self._attempt(call, send)
            if isinstance(outcome, requests.Response):
                return outcome
            failure, cause = outcome
            delay = self._delay(failure, attempt)
            if isinstance(failure, OutcomeUnknown) or delay is None:
                raise failure from cause
            log.warning(
                "retrying", extra={"service": self.service, "reason": str(failure), "attempt": attempt, "delay": delay}
            )
            self.sleep(delay)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """A read: safe to repeat on any failure worth retrying."""
        return self.request("GET", path, idempotent=True, params=params)

    def _attempt(self, call: Call, send: _Send) -> requests.Response | tuple[TransientFailure, BaseException]:
        """One try: the response, or the failure worth retrying and its cause. A final refusal is raised."""
        try:
            response = self.session.request(
                call.method,
                send.url,
                json=call.json,
                params=call.params,
                data=send.data() if send.data is not None else None,
                headers=send.headers,
                timeout=self._timeouts(),
                stream=send.stream,
                allow_redirects=send.follow_redirects,
            )
        except requests.RequestException as e:
            return unanswered(call, e), e
        failure = classify(call, response)
        return response if failure is None else (failure, failure)

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
        left = self.budget.left()
        if left is not None and delay + MIN_TIMEOUT + SAFETY_MARGIN > left:
            return None
        return delay

    def _timeouts(self) -> tuple[float, float]:
        left = self.budget.left()
        if left is None:
            return (self.connect_timeout, self.timeout)
        budget = max(MIN_TIMEOUT, left - SAFETY_MARGIN)
        return (min(self.connect_timeout, budget), min(self.timeout, budget))


class InvocationBudget:
    """A deadline per invocation (per thread or task: the local server answers several at once); none by default.

    The function entrypoint sets it from the platform's context (`until`); a reply that must be quick narrows it
    (`within`); HTTP clients ask `left` before each attempt and each backoff.
    """

    def __init__(self) -> None:
        self._deadline: ContextVar[float | None] = ContextVar(f"deadline-{id(self)}", default=None)

    @contextmanager
    def until(self, deadline: float | None) -> Iterator[None]:
        """Calls inside finish by `deadline` (monotonic seconds); None lifts the limit."""
        token = self._deadline.set(deadline)
        try:
            yield
        finally:
            self._deadline.reset(token)

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """Calls inside finish within `seconds` (or the invocation's own deadline, if sooner)."""
        current = self._deadline.get()
        deadline = time.monotonic() + seconds
        with self.until(deadline if current is None else min(current, deadline)):
            yield

    def left(self) -> float | None:
        deadline = self._deadline.get()
        return None if deadline is None else deadline - time.monotonic()


# What went wrong with one attempt, in the ports' terms: worth retrying, unknown outcome, or refused.
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


@contextmanager
def reading(call: str, service: str) -> Iterator[None]:
    """Turns an answer that cannot be read (bad JSON, missing fields, a malformed key) into a port error."""
    try:
        yield
    except ValueError as e:
        raise PermanentFailure(f"{service}: unexpected answer to {call}") from e


def segment(value: str) -> str:
    """`value` as one path segment."""
    return quote(value, safe="")
