"""Exactly once: every authenticated event is claimed in the state store, handled, and completed or queued."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass

from application.events import Event, load_event
from domain.instants import iso_utc
from ports.clock import Clock
from ports.errors import PermanentFailure, StateUnavailable, TransientFailure
from ports.state import Claim, ClaimStatus, IdempotencyStore, Outbox, Retention

log = logging.getLogger("servicedesk.inbox")

# the event being handled, so every log line written meanwhile (a retry deep in an adapter too) can name it
current_event: ContextVar[str | None] = ContextVar("current_event", default=None)

Handler = Callable[[Event], str]
TimeLeft = Callable[[], "float | None"]  # what is left of the invocation, None without a deadline
Budget = Callable[[float], AbstractContextManager[object]]  # bounds every outbound call inside to these seconds

QUEUED = "queued"
DUPLICATE = "duplicate"
FAILED = "failed"
DRAIN_RESERVE_SECONDS = 2.0  # stop taking entries when the invocation has less time than this
DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class RetrySchedule:
    budget_seconds: float = 60.0  # the time one delivery or drain pass may take where no invocation deadline bounds it
    lease_margin: float = 5.0  # a claim outlives its holder's deadline by this much, then anyone may take it over
    busy_wait: float = 1.0  # a redelivery of an event in progress waits this long for its result, then answers queued
    busy_poll: float = 0.05
    first_delay: float = 30.0
    max_delay: float = 3600.0
    give_up_after: float = 2 * 86400.0

    def next_attempt(self, now: float, attempts: int, retry_after: float | None) -> float:
        delay = min(self.max_delay, self.first_delay * 2 ** max(0, attempts - 1))
        delay = random.uniform(delay / 2, delay)  # noqa: S311 - jitter
        return now + max(delay, retry_after or 0.0)


@dataclass(frozen=True)
class RetentionPolicy:
    """How long the store keeps what recognises a duplicate, write records and dead entries."""

    keep_seconds: float
    batch: int = 500  # rows of each kind one drain pass purges at most

    @classmethod
    def of(cls, days: float, replay_window: float) -> RetentionPolicy:
        """Never shorter than `replay_window`: as long as a replayed webhook can still be accepted."""
        return cls(max(days * DAY_SECONDS, replay_window))


class Inbox:
    """Rules:
    - an event is handled at most once to completion, whoever delivers it and however often;
    - a duplicate of a finished event is answered `duplicate` with no effect; one that another worker holds waits
      briefly for its result, else is answered `queued`: it is never called done before it is;
    - a claim lasts as long as its holder can still work (its deadline) plus a margin: then anyone may take it over;
    - a transient failure keeps the event for a retry that is due at once; a permanent one buries it, loudly;
    - every drain pass also purges, in bounded batches, what the retention policy no longer keeps.
    """

    def __init__(
        self,
        store: IdempotencyStore,
        outbox: Outbox,
        handlers: Mapping[str, Handler],
        clock: Clock,
        schedule: RetrySchedule | None = None,
        time_left: TimeLeft = lambda: None,
        budget: Budget = lambda _: nullcontext(),
        retention: tuple[Retention, RetentionPolicy] | None = None,
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.handlers = handlers
        self.clock = clock
        self.schedule = schedule or RetrySchedule()
        self.time_left = time_left
        self.budget = budget
        self.retention = retention

    def accept(self, event: Event) -> str:
        with self.budget(self.schedule.budget_seconds):
            claim = self._claim_or_wait(event)
            if claim.status is ClaimStatus.DONE:
                return DUPLICATE
            if claim.status is ClaimStatus.BUSY:
                return QUEUED  # in progress elsewhere: a drain finishes it if that worker dies
            return self._run(event, retry_at=self.clock.now(), attempts=claim.attempts, first_seen=self.clock.now())

    def _claim_or_wait(self, event: Event) -> Claim:
        give_up = time.monotonic() + self._busy_wait()
        while True:
            claim = self.store.claim(event.key, event.kind, event.dump(), self.clock.now(), self._lease())
            if claim.status is not ClaimStatus.BUSY or time.monotonic() + self.schedule.busy_poll > give_up:
                return claim
            time.sleep(self.schedule.busy_poll)

    def _busy_wait(self) -> float:
        left = self.time_left()
        wait = self.schedule.busy_wait
        return wait if left is None else min(wait, left - DRAIN_RESERVE_SECONDS)

    def _lease(self) -> float:
        left = self.time_left()
        return (self.schedule.budget_seconds if left is None else max(0.0, left)) + self.schedule.lease_margin

    def drain(self, limit: int = 50, time_left: TimeLeft | None = None) -> tuple[int, int]:
        """One pass over the due outbox entries, then a bounded purge: returns (done, left)."""
        with self.budget(self.schedule.budget_seconds):
            done = self._drain(limit, time_left or self.time_left)
            self._purge(time_left or self.time_left)
        return done, self.outbox.stats().pending

    def _drain(self, limit: int, time_left: TimeLeft) -> int:
        done = 0
        for stored in self.outbox.claim_due(self.clock.now(), self._lease(), limit):
            left = time_left()
            if left is not None and left < DRAIN_RESERVE_SECONDS:
                self.store.release(stored.key, "drain ran out of time", self.clock.now())
                continue
            event = load_event(stored.kind, stored.payload)
            retry_at = self.schedule.next_attempt(self.clock.now(), stored.attempts, None)
            if self._run(event, retry_at, stored.attempts, stored.first_seen) != QUEUED:
                done += 1
        return done

    def _purge(self, time_left: TimeLeft) -> None:
        left = time_left()
        if self.retention is None or (left is not None and left < DRAIN_RESERVE_SECONDS):
            return
        store, policy = self.retention
        now = self.clock.now()
        purged = store.purge(now - policy.keep_seconds, now, policy.batch)
        if purged:
            log.info("store purged", extra={"rows": purged})

    def _run(self, event: Event, retry_at: float, attempts: int, first_seen: float) -> str:
        token = current_event.set(event.key)
        try:
            return self._handle(event, retry_at, attempts, first_seen)
        finally:
            current_event.reset(token)

    def _handle(self, event: Event, retry_at: float, attempts: int, first_seen: float) -> str:
        fields = {"event_key": event.key, "event_kind": event.kind, "attempt": attempts}
        try:
            outcome = self.handlers[event.kind](event)
        except TransientFailure as e:
            if self.clock.now() - first_seen > self.schedule.give_up_after:
                self.outbox.bury(event.key, str(e))
                log.error("event dead: gave up retrying", extra={**fields, "error": str(e)})
                return FAILED
            if e.retry_after:
                retry_at = max(retry_at, self.clock.now() + e.retry_after)
            self.store.release(event.key, str(e), retry_at)
            log.warning("event queued for retry", extra={**fields, "error": str(e), "retry_at": iso_utc(retry_at)})
            return QUEUED
        except PermanentFailure as e:
            self.outbox.bury(event.key, str(e))
            log.error("event dead: permanent failure", extra={**fields, "error": str(e)})
            return FAILED
        except StateUnavailable:
            raise
        except Exception as e:
            self.outbox.bury(event.key, f"{type(e).__name__}: {e}")
            log.exception("event dead: unexpected error", extra=fields)
            return FAILED
        self.store.complete(event.key, outcome)
        log.info("event handled", extra={**fields, "outcome": outcome})
        return outcome
