"""An effect that several events may ask for runs once: two presses of one button, or one press delivered to two
instances at the same moment. The effect is claimed as an event of its own in the inbox's store, so the store's
atomic claim decides who runs it, and a failure leaves it in the outbox for the drain to finish."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from application.events import Event
from ports.clock import Clock
from ports.errors import PermanentFailure, StateUnavailable
from ports.state.claims import ClaimStatus, IdempotencyStore
from ports.state.outbox import Outbox

log = logging.getLogger("servicedesk.once")

E = TypeVar("E", bound=Event)
LEASE_SECONDS = 120.0
DONE_BEFORE = "done_before"
IN_PROGRESS = "in_progress"
QUEUED = "will_retry"  # not the inbox's `queued`: the pressing event itself is done
FAILED = "failed"


@dataclass(frozen=True)
class OnceOnly:
    """Rules:
    - the first to claim the effect's event runs it; whoever asks after it finished is told `done_before`, whoever
      asks while it runs `in_progress`: neither runs it again;
    - a run that fails is given back to the outbox (due at once), where the drain runs the event's own handler;
      a permanent failure buries it; a run that dies is taken over once its lease expires.
    """

    store: IdempotencyStore
    outbox: Outbox
    clock: Clock
    lease_seconds: float = LEASE_SECONDS

    def run(self, event: E, effect: Callable[[E], str]) -> str:
        claim = self.store.claim(event.key, event.kind, event.dump(), self.clock.now(), self.lease_seconds)
        if claim.status is ClaimStatus.DONE:
            return DONE_BEFORE
        if claim.status is ClaimStatus.BUSY:
            return IN_PROGRESS
        try:
            outcome = effect(event)
        except StateUnavailable:
            raise
        except PermanentFailure as e:
            self.outbox.bury(event.key, str(e))
            log.error("effect dead: permanent failure", extra={"event_key": event.key, "error": str(e)})
            return FAILED
        except Exception as e:
            self.store.release(event.key, f"{type(e).__name__}: {e}", self.clock.now())
            log.warning("effect queued for retry", extra={"event_key": event.key, "error": str(e)})
            return QUEUED
        self.store.complete(event.key, outcome)
        return outcome
