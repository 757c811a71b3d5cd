"""The time left to answer the current invocation: outbound calls fit their timeouts and retries into it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


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
