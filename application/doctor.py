"""`servicedesk-bot doctor`: one result per check of the configuration and of every service the bridge depends on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from application.checks import CheckResult, fail, failed, ok, problem, warn
from application.doctor_pachca import PachcaChecks
from application.doctor_tracker import TrackerChecks, TrackerSettings
from application.inbox import REFUSED
from domain.edits import DEFAULT_INTERNAL_MARKERS
from ports.admin import DirectoryAdmin, MessengerAdmin, StateProbe, TrackerAdmin
from ports.outbox import StoredEvent

DEAD_TO_LIST = 5
DEAD_TO_SCAN = 200  # dead events read to tell the refused ones apart


@dataclass(frozen=True)
class DoctorSettings:
    queue: str
    bot_user_id: int | None = None
    public_url: str | None = None
    tracker_webhook_secret: str | None = None
    email_domain: str | None = None
    internal_markers: tuple[str, ...] = DEFAULT_INTERNAL_MARKERS


class Doctor:
    """Checks what the bridge needs, each check on its own.

    - A check that cannot run (a service down, a refused token) is one FAIL line with its fix, never an exception;
      the checks that depend on it are left out, so one cause gives one line.
    - FAIL means the bridge cannot work as configured; warn means it works with less (e.g. matching by nickname).
    - Only reads: nothing is written anywhere.
    - `variables` names each setting's environment variable (setting name -> variable), for the fixes.
    """

    def __init__(
        self,
        messenger: MessengerAdmin,
        tracker: TrackerAdmin,
        directory: DirectoryAdmin | None,
        open_state: Callable[[], StateProbe],
        settings: DoctorSettings,
        *,
        variables: Mapping[str, str],
    ) -> None:
        self._pachca = PachcaChecks(messenger, settings.bot_user_id, variables)
        self._directory = directory
        self._open_state = open_state
        self._settings = settings
        self._var = variables
        tracker_settings = TrackerSettings(
            settings.queue, settings.public_url, settings.tracker_webhook_secret, settings.internal_markers
        )
        self._tracker = TrackerChecks(tracker, tracker_settings, variables)

    def execute(self) -> list[CheckResult]:
        return [*self._pachca.execute(), *self._tracker.execute(), self._directory_check(), *self._state()]

    # Yandex 360
    def _directory_check(self) -> CheckResult:
        check = "y360 directory"
        oauth, org = self._var["y360_oauth"], self._var["y360_org_id"]
        if self._directory is None:
            domain = self._settings.email_domain or "not set"
            return warn(
                check,
                f"not configured: mentions fall back to Tracker's user record and "
                f"{self._var['pachca_email_domain']} ({domain})",
                f"set {oauth} and {org} to look people up in the Yandex 360 directory",
            )
        try:
            count = self._directory.count_users()
        except Exception as e:
            fix = f"check {oauth} (an org admin's token with directory:read_users) and {org}"
            return failed(check, e, fix, "Yandex 360")
        return ok(check, f"{count} people in the organisation")

    # state
    def _state(self) -> list[CheckResult]:
        try:
            store = self._open_state()
            store.ping()
            stats = store.stats()
        except Exception as e:
            fix = f"check {self._var['state_url']} and that its database is reachable"
            return [fail("state store", problem(e), fix)]
        results = [ok("state store", f"answers; outbox: {stats.pending} pending, {stats.dead} dead"), _size(store)]
        if not stats.dead:
            return [*results, ok("dead events", "none")]
        return [*results, *_dead_events(store, stats.dead)]


def _dead_events(store: StateProbe, count: int) -> list[CheckResult]:
    """Events given up after retries, and apart from them events refused (kept dead, with the reason)."""
    try:
        dead = store.dead(DEAD_TO_SCAN)
    except Exception as e:
        return [fail("dead events", problem(e), "check that the state store is reachable")]
    refused = [event for event in dead if (event.last_error or "").startswith(f"{REFUSED}: ")]
    given_up = [event for event in dead if event not in refused]
    results = []
    if given_up or count > len(dead):
        results.append(
            warn(
                "dead events",
                f"{count - len(refused)} events were given up after retries: {_listed(given_up)}",
                "fix the cause shown; dead events are kept but never retried",
            )
        )
    if refused:
        reasons = "; ".join((e.last_error or "").removeprefix(f"{REFUSED}: ") for e in refused[:DEAD_TO_LIST])
        results.append(
            warn(
                "refused events",
                f"{len(refused)} events refused: the bridge posts only where it opened the conversation: {reasons}",
                "an issue's Pachca link fields were typed or edited by hand; open such tickets from Pachca",
            )
        )
    return results


def _listed(events: list[StoredEvent]) -> str:
    return "; ".join(
        f"{event.key} ({event.kind}, {event.attempts} attempts: {event.last_error or 'no error recorded'})"
        for event in events[:DEAD_TO_LIST]
    )


def _size(store: StateProbe) -> CheckResult:
    try:
        kept = store.footprint()
    except Exception as e:
        return fail("store size", problem(e), "check that the state store is reachable")
    oldest = "none" if kept.oldest is None else datetime.fromtimestamp(kept.oldest, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ok(
        "store size",
        f"{kept.bytes / 1024:.0f} KiB; {kept.events} events ({kept.payload_bytes / 1024:.0f} KiB of payloads), "
        f"the oldest first seen {oldest}",
    )
