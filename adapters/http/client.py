"""The one outbound call policy every HTTP adapter uses.

- Every call has a timeout, shortened to fit what is left of the invocation (`adapters.http.budget`).
- Retries happen only for a reason: 429 (honouring `Retry-After`), 5xx and connection errors, with exponential
  backoff and jitter, and only where repeating is safe. A non-idempotent write (`idempotent=False`) is retried only
  when the request surely did not reach the server (a refused connection, a 429); when its answer is lost (a read
  timeout, a 5xx) it raises `OutcomeUnknown` and the caller checks its own record before writing again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from adapters.http.budget import InvocationBudget
from adapters.http.failures import Call, classify, unanswered
from ports.errors import OutcomeUnknown, TransientFailure

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
