"""Exactly once: every authenticated event is claimed in the state store, handled, and completed or queued."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from application.events import BodyRefused, Event, load_event
from application.once.retry import RetentionPolicy, RetrySchedule
from domain.instants import iso_utc
from ports.clock import Clock
from ports.errors import PermanentFailure, Refused, StateUnavailable, TransientFailure
from ports.state.claims import Claim, ClaimStatus, IdempotencyStore
from ports.state.outbox import Outbox
from ports.state.records import Cache
from ports.state.upkeep import Retention

log = logging.getLogger("servicedesk.inbox")

# the event being handled, so every log line written meanwhile (a retry deep in an adapter too) can name it
current_event: ContextVar[str | None] = ContextVar("current_event", default=None)

Handler = Callable[[Any], str]  # takes the events of one class, returns its outcome (a word)
Handlers = Mapping[type[Event], Sequence[Handler]]  # every event class -> its handlers, run in order
ProblemHook = Callable[[str, str, "int | None"], None]  # (what: dead/refused, detail, HTTP status) -> tell a person
TimeLeft = Callable[[], "float | None"]  # what is left of the invocation, None without a deadline
Budget = Callable[[float], AbstractContextManager[object]]  # bounds every outbound call inside to these seconds

QUEUED = "queued"
DUPLICATE = "duplicate"
FAILED = "failed"
REFUSED = "refused"  # kept with the reason, never retried; `doctor` counts them
ERROR_SHOWN = 500  # characters of a failure kept or logged: one built from a hostile text can be 100 KB
DRAIN_RESERVE_SECONDS = 2.0  # stop taking entries when the invocation has less time than this


@dataclass
class Inbox:
    """Rules:
    - an event is handled at most once to completion, whoever delivers it and however often;
    - a duplicate of a finished event is answered `duplicate` with no effect; one that another worker holds waits
      briefly for its result, else is answered `queued`: it is never called done before it is;
    - a claim lasts as long as its holder can still work (its deadline) plus a margin: then anyone may take it over;
    - a transient failure keeps the event for a retry that is due at once; a permanent one buries it, loudly;
    - a handler that raises, or a run that never finishes (out of time), is tried `MAX_TROUBLED_RUNS` times
      (the latter once more), then the event is buried: it never loops for ever;
    - every drain pass also purges, in bounded batches, what the retention policy no longer keeps;
    - an event class may have several handlers: they run in order, and a retry runs them all again (each makes its
      writes once), so the event is done when the last one is; the first one's outcome is the event's.
    """

    store: IdempotencyStore
    outbox: Outbox
    handlers: Handlers
    clock: Clock
    cache: Cache
    schedule: RetrySchedule = field(default_factory=RetrySchedule)
    time_left: TimeLeft = lambda: None
    budget: Budget = lambda _: nullcontext()
    retention: tuple[Retention, RetentionPolicy] | None = None
    on_problem: ProblemHook | None = None  # `application.once.alerts`: a dead or refused event reaches a person

    def __post_init__(self) -> None:
        self.troubles = TroubledRuns(self.cache, self.clock, self.schedule.give_up_after)
        self.classes = {cls.kind: cls for cls in self.handlers}  # a stored event's kind -> its class

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
            event = load_event(self.classes[stored.kind], stored.payload)
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
        troubled = self.troubles.begin(event.key, attempts)
        if troubled >= MAX_TROUBLED_RUNS:
            self.outbox.bury(event.key, f"gave up: {troubled} runs raised or never finished (ran out of time)")
            log.error("event dead: its runs keep raising or running out of time", extra=fields)
            self._tell("dead", event.key, None)
            return FAILED
        try:
            outcomes = [handler(event) for handler in self.handlers[type(event)]]
        except TransientFailure as e:
            self.troubles.ended(event.key, attempts, troubled)
            if self.clock.now() - first_seen > self.schedule.give_up_after:
                self.outbox.bury(event.key, brief(e))
                log.error("event dead: gave up retrying", extra={**fields, "error": brief(e)})
                self._tell("dead", f"{event.key}: {brief(e)}", None)
                return FAILED
            if e.retry_after:
                retry_at = max(retry_at, self.clock.now() + e.retry_after)
            self.store.release(event.key, brief(e), retry_at)
            log.warning("event queued for retry", extra={**fields, "error": brief(e), "retry_at": iso_utc(retry_at)})
            return QUEUED
        except PermanentFailure as e:
            self.outbox.bury(event.key, brief(e))
            log.error("event dead: permanent failure", extra={**fields, "error": brief(e)})
            self._tell("dead", f"{event.key}: {brief(e)}", e.status)
            return FAILED
        except Refused as e:
            self.outbox.bury(event.key, f"{REFUSED}: {brief(e)}")
            log.warning("event refused", extra={**fields, "reason": brief(e)})
            if not isinstance(event, BodyRefused):  # an unreadable body is counted by doctor, not told to a person
                self._tell(REFUSED, f"{event.key}: {brief(e)}", None)
            return REFUSED
        except StateUnavailable:
            raise
        except Exception as e:
            return self._raised(event, e, troubled + 1, retry_at, fields)
        outcome = outcomes[0]
        self.store.complete(event.key, outcome)
        log.info("event handled", extra={**fields, "outcome": outcome, **_others(outcomes)})
        return outcome

    def _tell(self, what: str, detail: str, status: int | None) -> None:
        if self.on_problem is not None:
            self.on_problem(what, detail, status)

    def _raised(self, event: Event, error: Exception, troubled: int, retry_at: float, fields: dict[str, Any]) -> str:
        """An unexpected error may be a fluke: retried like a transient failure, a bounded number of times."""
        reason = f"{type(error).__name__}: {brief(error)}"
        if troubled >= MAX_TROUBLED_RUNS:
            self.outbox.bury(event.key, f"gave up after {troubled} runs that raised: {reason}")
            log.exception("event dead: unexpected error", extra=fields)
            self._tell("dead", f"{event.key}: {type(error).__name__}", None)
            return FAILED
        self.troubles.set(event.key, troubled)
        self.store.release(event.key, reason, retry_at)
        log.exception("event queued for retry after an unexpected error", extra=fields)
        return QUEUED


def _others(outcomes: list[str]) -> dict[str, str]:
    return {"outcomes": ", ".join(outcomes)} if len(outcomes) > 1 else {}


def refuse_unreadable(event: BodyRefused) -> str:
    """The handler of a body that could not be read: kept as refused, with its reason, never retried."""
    raise Refused(f"unreadable body: {event.reason}")


def brief(error: BaseException) -> str:
    """The failure as stored in the outbox and logged: bounded, whatever text went into it."""
    text = str(error)
    return text if len(text) <= ERROR_SHOWN else text[: ERROR_SHOWN - 1] + "…"


MAX_TROUBLED_RUNS = 3  # runs that raised or never finished before an event is buried


@dataclass(frozen=True)
class TroubledRuns:
    """A run of an event already tried is counted as troubled before it starts and uncounted when it ends
    normally, so a run cut off by the platform still counts. A first run is not marked: most events need one."""

    cache: Cache
    clock: Clock
    keep_seconds: float

    def begin(self, event_key: str, attempts: int) -> int:
        """The troubled runs so far; this run counts as one of them until `ended` (not marked on a first run)."""
        if attempts <= 1:
            return 0
        troubled = self.count(event_key)
        if troubled < MAX_TROUBLED_RUNS:
            self.set(event_key, troubled + 1)
        return troubled

    def ended(self, event_key: str, attempts: int, troubled: int) -> None:
        """This run ended without trouble (a transient failure is not one)."""
        if attempts > 1:
            self.set(event_key, troubled)

    def count(self, event_key: str) -> int:
        value = self.cache.get(_key(event_key), self.clock.now())
        return int(value) if value and value.isdigit() else 0

    def set(self, event_key: str, count: int) -> None:
        self.cache.put(_key(event_key), str(count), self.clock.now() + self.keep_seconds)


def _key(event_key: str) -> str:
    return f"inbox:troubled:{event_key}"
