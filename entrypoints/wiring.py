"""What the composition root (`entrypoints.container`) builds with a little logic of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from adapters.budget import InvocationBudget
from adapters.http import RetryPolicy
from application.events import EVENT_TYPES
from application.inbox import Handler
from application.tickets import TicketSettings
from entrypoints.authentication import WebhookSecrets
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from adapters.y360 import HttpUserDirectory


def directory_of(
    settings: Settings, session: requests.Session, policy: RetryPolicy, budget: InvocationBudget
) -> HttpUserDirectory | None:
    if not settings.directory_configured:
        return None
    from adapters.y360 import HttpUserDirectory, y360_client  # only where a directory is configured

    client = y360_client(session, settings.y360_api_url, settings.secret("y360_oauth"), policy=policy, budget=budget)
    return HttpUserDirectory(client, str(settings.y360_org_id))


def webhook_secrets(settings: Settings) -> WebhookSecrets:
    return WebhookSecrets(
        pachca=settings.secret("webhook_secret"),
        tracker=settings.secret("tracker_webhook_secret") or None,
        max_age_seconds=settings.webhook_max_age_seconds,
    )


def every_kind_handled(handlers: dict[str, Handler]) -> dict[str, Handler]:
    """Checked when the inbox is built (at start-up): an event kind without a handler is a wiring error."""
    missing = sorted(set(EVENT_TYPES) - set(handlers))
    if missing:
        raise LookupError("no handler for the event kinds " + ", ".join(missing))
    return handlers


def ticket_settings_of(settings: Settings) -> TicketSettings:
    return TicketSettings(
        settings.tracker_queue,
        frozenset(settings.support_chat_ids),
        tuple(settings.intake_topics),
    )
