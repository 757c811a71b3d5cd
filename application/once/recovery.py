"""Nothing lost while the bridge was down: what no webhook or trigger delivered is found and carried through the same
once-only inbox, so a late delivery of the same thing changes nothing.

- Pachca's event history (the bot's «Сохранять историю событий»): every event in it is carried, then deleted.
- Tracker: the issues of the bridge's queues updated lately are looked through for comments not yet carried and
  statuses not yet announced. A watermark in the store keeps each pass to what changed since the last one (with an
  overlap, for what Tracker's search shows late), never further back than `RECONCILE_MINUTES`.

Each pass is bounded (pages, issues, time) and records what it did, for `doctor`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.events import Event
from application.once.alerts import Alerts, Problem, problem_of_status
from application.once.inbox import DRAIN_RESERVE_SECONDS, DUPLICATE, Inbox, TimeLeft
from application.once.passes import (
    HISTORY,
    HISTORY_MARK,
    OUTBOX,
    OUTBOX_MARK,
    SILENT_SECONDS,
    TRACKER,
    WEBHOOK_MARK,
    PassLog,
    PassRecord,
)
from application.once.writes import announced_key
from application.services.lookups import Identities, TrackerSchema
from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged
from domain.card import StatusType
from domain.comments import is_internal_note
from domain.tickets import TicketKey
from ports.errors import ExternalServiceError, PermanentFailure, StateUnavailable
from ports.event_history import EventHistory, HistoryEvent
from ports.state.outbox import Outbox
from ports.state.records import Cache
from ports.tracker import ChangedIssues, IssueInfo, IssueTracker

log = logging.getLogger("servicedesk.recovery")

HISTORY_PAGE, HISTORY_MAX_PAGES = 50, 10  # at most 500 events a pass; the next pass takes the rest
MAX_ISSUES = 50  # per queue and pass
OVERLAP_SECONDS = 120.0  # Tracker's search may show a change late: each window reaches this far before the last
OUTBOX_GROWING = 20  # pending entries, and more than the last pass: a problem a person should see

ReadPayload = Callable[[Mapping[str, Any]], "Event | None"]  # a webhook body -> the bridge's event (or None)


def _enough(time_left: TimeLeft) -> bool:
    left = time_left()
    return left is None or left >= DRAIN_RESERVE_SECONDS


def _epoch(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _failed(alerts: Alerts, error: ExternalServiceError) -> str:
    status = error.status if isinstance(error, PermanentFailure) else None
    problem = problem_of_status(str(error), status)
    if problem is not None:
        alerts.tell(problem, str(error))
    return str(error)[:200]


@dataclass(frozen=True)
class HistoryRecovery:
    """Rules:
    - every event in the history is carried through the inbox (a duplicate of one already carried does nothing),
      oldest first, then deleted; one the bridge does not act on, or cannot read, is deleted too;
    - one older than what the store remembers (`horizon_seconds`) is deleted uncarried: whether it was carried
      cannot be told any more;
    - when the store is down nothing is deleted: the next pass finds it all again;
    - webhooks that keep arriving while the history stays empty mean the history is off: a person is told.
    """

    history: EventHistory
    inbox: Inbox
    read: ReadPayload
    passes: PassLog
    alerts: Alerts
    horizon_seconds: float

    def run(self, time_left: TimeLeft = lambda: None) -> PassRecord:
        now = self.passes.clock.now()
        try:
            events = self._read_all(time_left)
        except ExternalServiceError as e:
            record = PassRecord(now, 0, 0, _failed(self.alerts, e))
            self.passes.record(HISTORY, record)
            log.warning("event history unreadable", extra={"error": record.error})
            return record
        carried, error = 0, ""
        try:
            for item in events:
                if not _enough(time_left):
                    break
                carried += self._carry(item, now)
        except StateUnavailable:
            raise
        except ExternalServiceError as e:  # a delete that failed: the event is carried, the next pass deletes it
            error = _failed(self.alerts, e)
        if events:
            self.passes.mark(HISTORY_MARK, now)
        else:
            self._silent(now)
        record = PassRecord(now, len(events), carried, error)
        self.passes.record(HISTORY, record)
        if carried:
            log.info("carried from the event history", extra={"seen": len(events), "carried": carried})
        return record

    def _read_all(self, time_left: TimeLeft) -> list[HistoryEvent]:
        """The history is newest first, page by page: read up to the page bound, carried oldest first."""
        found: dict[str, HistoryEvent] = {}
        cursor: str | None = None
        for _ in range(HISTORY_MAX_PAGES):
            page = self.history.read(HISTORY_PAGE, cursor)
            found.update((e.event_id, e) for e in page.events)
            cursor = page.next_cursor
            if cursor is None or not _enough(time_left):
                break
        return sorted(found.values(), key=lambda e: (_epoch(e.created_at) or 0.0, e.event_id))

    def _carry(self, item: HistoryEvent, now: float) -> int:
        fields = {"history_id": item.event_id, "event_type": item.event_type}
        created = _epoch(item.created_at)
        outcome = DUPLICATE
        if created is not None and now - created > self.horizon_seconds:
            log.warning("history event older than the store remembers: deleted uncarried", extra=fields)
        else:
            try:
                event = self.read(item.payload)
            except ValueError as e:  # unreadable: it will never become readable
                log.warning("history event unreadable: deleted", extra={**fields, "error": str(e)})
                event = None
            if event is not None:
                outcome = self.inbox.accept(event)  # StateUnavailable: nothing deleted, the next pass retries
        self.history.delete(item.event_id)
        return 0 if outcome == DUPLICATE else 1

    def _silent(self, now: float) -> None:
        webhook = self.passes.marked(WEBHOOK_MARK)
        if webhook is None or now - webhook < 60:
            return  # no webhook, or one too fresh for the history to be judged by
        seen = self.passes.marked(HISTORY_MARK) or 0.0
        if webhook - seen > SILENT_SECONDS:
            self.alerts.tell(Problem.HISTORY_OFF, "события есть в вебхуках, но не в истории")


@dataclass(frozen=True)
class TrackerRecovery:
    """Rules:
    - only the bridge's tickets (issues with a Pachca message) in its queues, updated within the window;
    - a comment is carried unless the robot wrote it or it is an internal note, and only if written within the
      window (an old comment on a lately touched issue was carried, or predates the bridge);
    - a status is announced when it differs from the last one announced; a ticket never announced and still in a
      status of type `new` has not moved;
    - the provenance checks are the trigger's: the same handlers decide;
    - `min_interval`: instances sharing the store search at most that often between them (the watermark).
    """

    tracker: IssueTracker
    changes: ChangedIssues
    inbox: Inbox
    identities: Identities
    schema: TrackerSchema
    cache: Cache
    passes: PassLog
    alerts: Alerts
    queues: Sequence[str]
    minutes: int
    internal_markers: Sequence[str]

    WATERMARK = "recovery:tracker:watermark"

    def run(self, time_left: TimeLeft = lambda: None, min_interval: float = 0.0) -> PassRecord | None:
        if self.minutes <= 0:
            return None
        now = self.passes.clock.now()
        watermark = self.passes.marked(self.WATERMARK)
        if watermark is not None and now - watermark < min_interval:
            return None  # another instance searched a moment ago
        self.passes.mark(self.WATERMARK, now)
        window = self.minutes * 60.0
        if watermark is not None:
            window = min(window, now - watermark + OVERLAP_SECONDS)
        seen = carried = 0
        try:
            for queue in dict.fromkeys(self.queues):
                for issue in self.changes.issues_updated(queue, math.ceil(window / 60), MAX_ISSUES):
                    if not _enough(time_left):
                        break
                    if not issue.local_fields.get("pachcaMessageId"):
                        continue  # not a ticket the bridge opened
                    seen += 1
                    carried += self._status(issue) + self._comments(issue.key, now - window)
        except StateUnavailable:
            raise
        except ExternalServiceError as e:
            if watermark is not None:
                self.passes.mark(self.WATERMARK, watermark)  # the window is searched again next time
            record = PassRecord(now, seen, carried, _failed(self.alerts, e))
            log.warning("tracker search failed", extra={"error": record.error})
        else:
            record = PassRecord(now, seen, carried)
        self.passes.record(TRACKER, record)
        if carried:
            log.info("carried from Tracker's recent changes", extra={"issues": seen, "carried": carried})
        return record

    def _status(self, issue: IssueInfo) -> int:
        announced = self.cache.get(announced_key(issue.key), self.passes.clock.now())
        if announced == issue.status_key:
            return 0
        if announced is None and self.schema.workflow().status(issue.status_key).type is StatusType.NEW:
            return 0
        changed = _epoch(issue.updated_at) or self.passes.clock.now()
        return self._accept(TrackerStatusChanged(str(issue.key), changed))

    def _comments(self, key: TicketKey, since: float) -> int:
        robot = self.identities.robot_id()
        carried = 0
        for comment in self.tracker.recent_comments(key):
            written = _epoch(comment.created_at)
            if comment.author.id == robot or (written is not None and written < since):
                continue
            if is_internal_note(comment.text, self.internal_markers):
                continue
            carried += self._accept(TrackerCommentAdded(str(key), comment.comment_id))
        return carried

    def _accept(self, event: Event) -> int:
        return 0 if self.inbox.accept(event) == DUPLICATE else 1


@dataclass(frozen=True)
class DrainPass:
    """One drain pass (the timer, `drain`, `serve`'s drainer): the outbox first, then what nobody delivered.
    A failing recovery never stops the outbox; the store being down stops everything (nothing is lost)."""

    inbox: Inbox
    outbox: Outbox
    passes: PassLog
    alerts: Alerts
    history: HistoryRecovery | None = None
    tracker: TrackerRecovery | None = None
    tracker_every: float = 0.0  # a pass searches Tracker only this long after the last search (shared by instances)

    def run(self, time_left: TimeLeft | None = None) -> tuple[int, int]:
        left_of = time_left or self.inbox.time_left
        done, pending = self.outbox_pass(left_of)
        if self.history is not None and _enough(left_of):
            done += self.history.run(left_of).carried
        if self.tracker is not None and _enough(left_of):
            found = self.tracker.run(left_of, self.tracker_every)
            done += found.carried if found else 0
        return done, self.outbox.stats().pending if done else pending

    def outbox_pass(self, time_left: TimeLeft | None = None) -> tuple[int, int]:
        """The retry outbox alone (poll mode runs it on its own clock): what was done, and what is left."""
        at = self.passes.clock.now()
        done, _ = self.inbox.drain(time_left=time_left or self.inbox.time_left)
        pending = self.outbox_check()
        self.passes.record(OUTBOX, PassRecord(at, done + pending, done))
        return done, pending

    def outbox_check(self) -> int:
        """An outbox that keeps growing past a bound is a problem a person should see."""
        pending = self.outbox.stats().pending
        before = self.passes.marked(OUTBOX_MARK)
        if pending >= OUTBOX_GROWING and before is not None and pending > before:
            self.alerts.tell(Problem.OUTBOX_GROWING, f"{pending} событий ждут повтора (было {int(before)})")
        if pending or before:
            self.passes.mark(OUTBOX_MARK, float(pending))
        return pending


# END
