"""`servicedesk-bot doctor`: one result per check of the configuration and of every service the bridge depends on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from application.admin.checks import CheckResult
from application.admin.doctor_directory import DirectoryCheck
from application.admin.doctor_pachca import PachcaChecks
from application.admin.doctor_recovery import RecoveryChecks
from application.admin.doctor_state import StateChecks
from application.admin.doctor_tracker import TrackerChecks, TrackerSettings
from domain.comments import DEFAULT_INTERNAL_MARKERS
from ports.admin import DirectoryAdmin, MessengerAdmin, StateProbe, TrackerAdmin


@dataclass(frozen=True)
class DoctorSettings:
    queue: str
    bot_user_id: int | None = None
    public_url: str | None = None
    tracker_webhook_secret: str | None = None
    email_domain: str | None = None
    internal_markers: tuple[str, ...] = DEFAULT_INTERNAL_MARKERS
    polling: bool = False  # poll mode: no triggers to check; the event history instead


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
        recovery: RecoveryChecks | None = None,
    ) -> None:
        self._recovery = recovery
        self._pachca = PachcaChecks(messenger, settings.bot_user_id, variables, settings.polling)
        self._directory = DirectoryCheck(directory, settings.email_domain, variables)
        self._state = StateChecks(open_state, variables["state_url"])
        tracker_settings = TrackerSettings(
            settings.queue,
            settings.public_url,
            settings.tracker_webhook_secret,
            settings.internal_markers,
            settings.polling,
        )
        self._tracker = TrackerChecks(tracker, tracker_settings, variables)

    def execute(self) -> list[CheckResult]:
        pachca = self._pachca.execute()
        recovery = self._recovery
        if recovery is not None and not any(result.failed for result in pachca):  # one cause, one line
            pachca.append(recovery.history_check())
        return [
            *pachca,
            *self._tracker.execute(),
            self._directory.execute(),
            *self._state.execute(),
            *(recovery.last_passes() if recovery is not None else []),
        ]
