"""The operator's commands (`setup`, `doctor`) composed over the composition root's rings: they use the same clients
as the bridge; `doctor` overrides the root's retry policy so a failing service is reported at once. Only the CLI
imports this module: a webhook never needs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dependency_injector import containers, providers

from adapters.http.client import HttpClient
from adapters.tracker.queue import HttpTrackerAdmin
from application.admin.doctor import Doctor, DoctorSettings
from application.admin.pachca_webhook import PointPachcaWebhook
from application.admin.setup import SetupTracker
from domain.routing import QueueRouting
from entrypoints.config.configuration import variable_names
from entrypoints.config.settings import Settings
from ports.admin import DirectoryAdmin, MessengerAdmin, StateProbe

if TYPE_CHECKING:
    from entrypoints.composition.container import Container


def _doctor_settings(settings: Settings, routing: QueueRouting) -> DoctorSettings:
    return DoctorSettings(
        queue=routing.default,
        bot_user_id=settings.bot_user_id,
        public_url=settings.public_url,
        tracker_webhook_secret=settings.secret("tracker_webhook_secret") or None,
        email_domain=settings.pachca_email_domain,
        internal_markers=tuple(settings.internal_note_markers),
    )


class AdminContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    routing = providers.Dependency(instance_of=QueueRouting)
    messenger: providers.Dependency[MessengerAdmin] = providers.Dependency()
    tracker_http: providers.Dependency[HttpClient] = providers.Dependency()
    directory: providers.Dependency[DirectoryAdmin | None] = providers.Dependency()
    state: providers.Dependency[StateProbe] = providers.Dependency()

    tracker_admin = providers.Singleton(HttpTrackerAdmin, client=tracker_http)
    setup = providers.Factory(
        SetupTracker,
        admin=tracker_admin,
        queue=routing.provided.default,
        public_url=settings.provided.public_url,
        webhook_secret=settings.provided.secret.call("tracker_webhook_secret"),
        internal_markers=settings.provided.internal_note_markers,
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
    )


def admin_of(container: Container) -> AdminContainer:
    """The operator's commands over `container`'s own clients, store and routing."""
    return AdminContainer(
        settings=container.settings,
        routing=container.services.routing,
        messenger=container.outside.messenger,
        tracker_http=container.outside.tracker_http,
        directory=container.outside.directory,
        state=container.outside.state,
    )
