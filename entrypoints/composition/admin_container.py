"""The operator's commands (`setup`, `doctor`) composed over the composition root's rings: they use the same clients
as the bridge; `doctor` overrides the root's retry policy so a failing service is reported at once. Only the CLI
imports this module: a webhook never needs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dependency_injector import containers, providers

from adapters.http.client import HttpClient
from adapters.tracker.queue import HttpTrackerAdmin
from application.admin.doctor import Doctor, DoctorSettings
from application.admin.doctor_recovery import RecoveryChecks
from application.admin.pachca_webhook import PointPachcaWebhook
from application.admin.setup import SetupTracker
from application.once.passes import PassLog
from domain.tickets import QueueRouting
from entrypoints.config.settings import Settings, variable_names
from ports.admin import DirectoryAdmin, MessengerAdmin, StateProbe
from ports.clock import Clock
from ports.event_history import EventHistory
from ports.state.records import Cache

if TYPE_CHECKING:
    from entrypoints.composition.container import Container


def _doctor_settings(settings: Settings, routing: QueueRouting) -> DoctorSettings:
    return DoctorSettings(
        queue=routing.default,
        more_queues=routing.queues[1:],
        bot_user_id=settings.bot_user_id,
        public_url=settings.public_url,
        tracker_webhook_secret=settings.secret("tracker_webhook_secret") or None,
        email_domain=settings.pachca_email_domain,
        internal_markers=tuple(settings.internal_note_markers),
        polling=settings.polling,
    )


def _passes(state: Callable[[], object], clock: Clock) -> Callable[[], PassLog | None]:
    """The recovery's records, from the store when there is one (doctor never creates it)."""

    def passes() -> PassLog | None:
        store = state()
        try:
            store.get("recovery:last:history", clock.now())  # type: ignore[attr-defined]
        except Exception:  # no store yet, or one that cannot answer: the state checks say which
            return None
        return PassLog(store, clock) if isinstance(store, Cache) else None

    return passes


class AdminContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    routing = providers.Dependency(instance_of=QueueRouting)
    messenger: providers.Dependency[MessengerAdmin] = providers.Dependency()
    tracker_http: providers.Dependency[HttpClient] = providers.Dependency()
    directory: providers.Dependency[DirectoryAdmin | None] = providers.Dependency()
    state: providers.Dependency[StateProbe] = providers.Dependency()
    event_history: providers.Dependency[EventHistory] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()

    tracker_admin = providers.Singleton(HttpTrackerAdmin, client=tracker_http)
    setup = providers.Factory(
        SetupTracker,
        admin=tracker_admin,
        queue=routing.provided.queues,
        public_url=settings.provided.public_url,
        webhook_secret=settings.provided.secret.call("tracker_webhook_secret"),
        internal_markers=settings.provided.internal_note_markers,
        polling=settings.provided.polling,
    )
    recovery_checks = providers.Factory(
        RecoveryChecks,
        history=event_history,
        passes=providers.Callable(_passes, state.provider, clock),
        polling=settings.provided.polling,
        reconcile_minutes=settings.provided.reconcile_minutes,
    )
    pachca_webhook = providers.Factory(PointPachcaWebhook, bot=messenger, public_url=settings.provided.public_url)
    doctor = providers.Factory(
        Doctor,
        messenger=messenger,
        tracker=tracker_admin,
        directory=directory,
        open_state=state.provider,
        settings=providers.Callable(_doctor_settings, settings=settings, routing=routing),
        variables=providers.Callable(variable_names),
        recovery=recovery_checks,
    )


def admin_of(container: Container) -> AdminContainer:
    """The operator's commands over `container`'s own clients, store and routing."""
    return AdminContainer(
        settings=container.settings,
        routing=container.services.routing,
        messenger=container.outside.pachca_admin,
        tracker_http=container.outside.tracker_http,
        directory=container.outside.directory,
        state=container.outside.state,
        event_history=container.outside.doctor_event_history,
        clock=container.outside.clock,
    )
