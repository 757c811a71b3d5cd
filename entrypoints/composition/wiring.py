"""What the composition root (`entrypoints.composition.container`) builds with a little logic of its own. A value
only some use cases take is imported where it is built, so a cold start imports it only for the events that need
it (`composition.lazy`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from application.events import EVENT_TYPES, Event
from application.once.inbox import Handlers
from application.once.retry import RetentionPolicy
from application.tracker_events import TRACKER_EVENTS
from domain.tickets import QueueRouting
from entrypoints.composition.lazy import HandlersOnFirstEvent
from entrypoints.config.settings import Settings
from entrypoints.http.pachca_reader import pachca_event
from entrypoints.http.webhooks import FUTURE_SKEW_SECONDS, WebhookSecrets

T = TypeVar("T")

if TYPE_CHECKING:
    from application.services.opening import TicketSettings
    from application.usecases.comments import CommentSettings
    from domain.files import FileLimits
    from ports.state.upkeep import Retention


def webhook_secrets(settings: Settings) -> WebhookSecrets:
    return WebhookSecrets(
        pachca=settings.secret("webhook_secret"),
        tracker=settings.secret("tracker_webhook_secret") or None,
        max_age_seconds=settings.webhook_max_age_seconds,
    )


def every_kind_handled(handlers: Handlers) -> Handlers:
    """Checked when the inbox is built (at start-up): an event kind without a handler is a wiring error, and so is
    a Tracker event kind whose event class is not registered."""
    kinds = {cls.kind: cls for cls in EVENT_TYPES.values()} | {k.event.kind: k.event for k in TRACKER_EVENTS.kinds}
    missing = sorted(kind for kind, cls in kinds.items() if not _count(handlers, cls))
    if missing:
        raise LookupError("no handler for the event kinds " + ", ".join(missing))
    return handlers


def _count(handlers: Handlers, cls: type[Event]) -> int:
    """How many handlers a class has, without building those that are built on first use."""
    if isinstance(handlers, HandlersOnFirstEvent):
        return handlers.count(cls)
    return len(handlers.get(cls, ()))


def retention_of(store: Retention, settings: Settings) -> tuple[Retention, RetentionPolicy]:
    """A replay is accepted up to its age limit after its timestamp, which may be ahead of our clock by the skew."""
    replay_window = settings.webhook_max_age_seconds + FUTURE_SKEW_SECONDS
    return store, RetentionPolicy.of(settings.retention_days, replay_window)


def comment_settings_of(settings: Settings) -> CommentSettings:
    from application.usecases.comments import CommentSettings  # with the use case: only for Tracker comments

    return CommentSettings(settings.tracker_web_url, tuple(settings.internal_note_markers))


def file_limits_of(settings: Settings) -> FileLimits:
    from domain.files import FileLimits  # with the file carrier

    return FileLimits.from_megabytes(settings.max_file_mb, settings.max_files)


def routing_of(settings: Settings) -> QueueRouting:
    """The one place the bridge learns which queue a chat's tickets go to: each chat of CHAT_QUEUES to its queue,
    every other chat to TRACKER_QUEUE."""
    return QueueRouting(settings.tracker_queue, dict(settings.chat_queues))


def ticket_settings_of(settings: Settings, routing: QueueRouting) -> TicketSettings:
    from application.services.opening import TicketSettings  # with the ticket opener

    return TicketSettings(
        routing,
        frozenset(settings.support_chat_ids),
        tuple(settings.intake_topics),
        tuple(settings.ignore_messages),
        settings.agents_chat_id,
    )


def when_configured(value: object, build: Callable[[], T]) -> T | None:
    """What `build` provides where `value` is configured, else None (and nothing built, nothing imported)."""
    return None if value is None else build()


def history_event(payload: Mapping[str, Any]) -> Event | None:
    """An event of Pachca's history carries the webhook body: read as a webhook is (BadPayload when unreadable)."""
    return pachca_event(dict(payload))


def history_horizon(settings: Settings) -> float:
    """A history event older than what the store remembers cannot be told carried or not."""
    replay_window = settings.webhook_max_age_seconds + FUTURE_SKEW_SECONDS
    return RetentionPolicy.of(settings.retention_days, replay_window).keep_seconds
