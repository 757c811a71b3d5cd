"""Exactly once: every authenticated event is claimed in the state store, handled, and completed or queued."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from application.events import Event, load_event
from application.troubled_runs import MAX_TROUBLED_RUNS, TroubledRuns
from ports.clock import Clock
from ports.errors import PermanentFailure, Refused, StateUnavailable, TransientFailure
from ports.state import Cache, ClaimStatus, IdempotencyStore, Outbox

log = logging.getLogger("servicedesk.inbox")

# the event being handled, so every log line written meanwhile (a retry deep in an adapter too) can name it
current_event: ContextVar[str | None] = ContextVar("current_event", default=None)

Handler = Callable[[Event], str]

QUEUED = "queued"
DUPLICATE = "duplicate"
FAILED = "failed"
REFUSED = "refused"  # kept with the reason, never retried; `doctor` counts them
DRAIN_RESERVE_SECONDS = 2.0  # stop taking entries when the invocation has less time than this


@dataclass(frozen=True)
class RetrySchedule:
    lease_seconds: float = 300.0  # a claim held longer than this is taken to have crashed (beyond any call budget)
    first_delay: float = 30.0
    max_delay: float = 3600.0
    give_up_after: float = 2 * 86400.0

    def next_attempt(self, now: float, attempts: int, retry_after: float | None) -> float:
        delay = min(self.max_delay, self.first_delay * 2 ** max(0, attempts - 1))
        delay = random.uniform(delay / 2, delay)  # noqa: S311 - jitter
        return now + max(delay, retry_after or 0.0)


class Inbox:
    """Rules:
    - an event is handled at most once to completion, whoever delivers it and however often;
    - a duplicate, or an event another worker holds, is answered `duplicate` with no effect;
    - a transient failure keeps the event for a retry that is due at once; a permanent one buries it, loudly;
    - a handler that raises, or a run that never finishes (out of time), is tried `MAX_TROUBLED_RUNS` times
      (the latter once more), then the event is buried: it never loops for ever.
    """

    def __init__(
        self,
        store: IdempotencyStore,
        outbox: Outbox,
        handlers: Mapping[str, Handler],
        clock: Clock,
        cache: Cache,
        schedule: RetrySchedule | None = None,
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.handlers = handlers
        self.clock = clock
        self.schedule = schedule or RetrySchedule()
        self.troubles = TroubledRuns(cache, clock, self.schedule.give_up_after)

    def accept(self, event: Event) -> str:
        claim = self.store.claim(event.key, event.kind, event.dump(), self.clock.now(), self.schedule.lease_seconds)
        if claim.status is not ClaimStatus.ACQUIRED:
            return DUPLICATE
        return self._run(event, retry_at=self.clock.now(), attempts=claim.attempts, first_seen=self.clock.now())

    def drain(self, limit: int = 50, time_left: Callable[[], float | None] | None = None) -> tuple[int, int]:
        """One pass over the due outbox entries: returns (done, left)."""
        done = 0
        for stored in self.outbox.claim_due(self.clock.now(), self.schedule.lease_seconds, limit):
            left = time_left() if time_left is not None else None
            if left is not None and left < DRAIN_RESERVE_SECONDS:
                self.store.release(stored.key, "drain ran out of time", self.clock.now())
                continue
            event = load_event(stored.kind, stored.payload)
            retry_at = self.schedule.next_attempt(self.clock.now(), stored.attempts, None)
            if self._run(event, retry_at, stored.attempts, stored.first_seen) != QUEUED:
                done += 1
        return done, self.outbox.stats().pending

    def _run(self, event: Event, retry_at: float, attempts: int, first_seen: float) -> str:
        token = current_event.set(event.key)
        try:
            return self._handle(event, retry_at, attempts, first_seen)
        finally:
            current_event.reset(token)

    def _handle(self, event: Event, retry_at: float, attempts: int, first_seen: float) -> str:
        fields = {"event_key": event.key, "event_kind": event.kind, "attempt": attempts}
        troubled = self.troubles.count(event.key) if attempts > 1 else 0
        if troubled >= MAX_TROUBLED_RUNS:
            self.outbox.bury(event.key, f"gave up: {troubled} runs raised or never finished (ran out of time)")
            log.error("event dead: its runs keep raising or running out of time", extra=fields)
            return FAILED
        if attempts > 1:
            self.troubles.set(event.key, troubled + 1)  # until this run ends: one cut off still counts
        try:
            outcome = self.handlers[event.kind](event)
        except TransientFailure as e:
            if attempts > 1:
                self.troubles.set(event.key, troubled)
            if self.clock.now() - first_seen > self.schedule.give_up_after:
                self.outbox.bury(event.key, str(e))
                log.error("event dead: gave up retrying", extra={**fields, "error": str(e)})
                return FAILED
            if e.retry_after:
                retry_at = max(retry_at, self.clock.now() + e.retry_after)
            self.store.release(event.key, str(e), retry_at)
            log.warning("event queued for retry", extra={**fields, "error": str(e), "retry_at": retry_at})
            return QUEUED
        except PermanentFailure as e:
            self.outbox.bury(event.key, str(e))
            log.error("event dead: permanent failure", extra={**fields, "error": str(e)})
            return FAILED
        except Refused as e:
            self.outbox.bury(event.key, f"{REFUSED}: {e}")
            log.warning("event refused", extra={**fields, "reason": str(e)})
            return REFUSED
        except StateUnavailable:
            raise
        except Exception as e:
            return self._raised(event, e, troubled + 1, retry_at, fields)
        self.store.complete(event.key, outcome)
        log.info("event handled", extra={**fields, "outcome": outcome})
        return outcome

    def _raised(self, event: Event, error: Exception, troubled: int, retry_at: float, fields: dict[str, Any]) -> str:
        """An unexpected error may be a fluke: it is retried like a transient failure, a bounded number of times."""
        reason = f"{type(error).__name__}: {error}"
        if troubled >= MAX_TROUBLED_RUNS:
            self.outbox.bury(event.key, f"gave up after {troubled} runs that raised: {reason}")
            log.exception("event dead: unexpected error", extra=fields)
            return FAILED
        self.troubles.set(event.key, troubled)
        self.store.release(event.key, reason, retry_at)
        log.exception("event queued for retry after an unexpected error", extra=fields)
        return QUEUED
