"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used."""

from __future__ import annotations

import requests
from dependency_injector import containers, providers

from adapters.clock import SystemClock
from adapters.http import time_left
from adapters.pachca import HttpChatMessenger, pachca_client
from adapters.ratelimit import ChatRateLimiter
from adapters.state_url import open_state
from adapters.tracker import HttpIssueTracker, tracker_client
from application.comments import RelayReply, RelayTrackerComment
from application.events import (
    ButtonClicked,
    FormSubmitted,
    MessagePosted,
    ThreadReplyPosted,
    TrackerCommentAdded,
    TrackerStatusChanged,
)
from application.identities import Identities
from application.inbox import Inbox
from application.people import Mentions
from application.status import AnnounceStatus, PressButton, SubmitForm
from application.tickets import OpenTicket, TicketSettings
from application.writes import OnceWriter, Poster
from entrypoints.settings import Settings
from entrypoints.webhooks import WebhookApp, WebhookSecrets
from ports.directory import UserDirectory


def _secret(settings: Settings, name: str) -> str:
    value = getattr(settings, name)
    return "" if value is None else str(value.get_secret_value())


def _directory(settings: Settings, session: requests.Session) -> UserDirectory | None:
    if not settings.directory_configured:
        return None
    from adapters.y360 import HttpUserDirectory, y360_client  # only where a directory is configured

    client = y360_client(session, settings.y360_api_url, _secret(settings, "y360_oauth"))
    return HttpUserDirectory(client, str(settings.y360_org_id))


def _ticket_settings(settings: Settings) -> TicketSettings:
    return TicketSettings(
        settings.tracker_queue,
        settings.tracker_web_url,
        frozenset(settings.support_chat_ids),
        tuple(settings.intake_topics),
    )


def _webhook_secrets(settings: Settings) -> WebhookSecrets:
    return WebhookSecrets(
        pachca=_secret(settings, "webhook_secret"),
        tracker=_secret(settings, "tracker_webhook_secret") or None,
        max_age_seconds=settings.webhook_max_age_seconds,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    state_url = providers.Dependency(instance_of=str)
    password_provider: providers.Object[object] = providers.Object(None)

    clock = providers.Singleton(SystemClock)
    session = providers.Singleton(requests.Session)
    state = providers.Singleton(open_state, state_url, password_provider)

    messenger = providers.Singleton(
        HttpChatMessenger,
        client=providers.Singleton(
            pachca_client,
            session,
            settings.provided.pachca_api_url,
            providers.Callable(_secret, settings, "pachca_api_token"),
        ),
        rate_limiter=providers.Singleton(ChatRateLimiter),
    )
    tracker = providers.Singleton(
        HttpIssueTracker,
        client=providers.Singleton(
            tracker_client,
            session,
            settings.provided.tracker_base_url,
            providers.Callable(_secret, settings, "tracker_api_token"),
            org_id=settings.provided.tracker_org_id,
            cloud_org_id=settings.provided.tracker_cloud_org_id,
        ),
    )
    directory = providers.Singleton(_directory, settings, session)

    identities = providers.Singleton(
        Identities, messenger, tracker, state, clock, bot_user_id=settings.provided.bot_user_id
    )
    mentions = providers.Singleton(
        Mentions,
        messenger,
        tracker,
        directory,
        state,
        clock,
        email_domain=settings.provided.pachca_email_domain,
        max_mentions=settings.provided.max_mentions,
    )
    writer = providers.Singleton(OnceWriter, state, clock)
    poster = providers.Singleton(Poster, messenger, identities, writer)
    ticket_settings = providers.Singleton(_ticket_settings, settings)

    open_ticket = providers.Singleton(
        OpenTicket, messenger, tracker, state, identities, writer, poster, ticket_settings
    )
    relay_reply = providers.Singleton(
        RelayReply, tracker, state, state, identities, mentions, writer, settings.provided.tracker_queue
    )
    relay_comment = providers.Singleton(
        RelayTrackerComment,
        messenger,
        tracker,
        state,
        state,
        identities,
        mentions,
        poster,
        settings.provided.tracker_web_url,
    )
    announce_status = providers.Singleton(
        AnnounceStatus, messenger, tracker, state, poster, ticket_settings, state, clock
    )
    press_button = providers.Singleton(
        PressButton,
        messenger,
        tracker,
        state,
        writer,
        poster,
        ticket_settings,
        settings.provided.agent_pachca_user_ids,
        settings.provided.intake_topics,
    )
    submit_form = providers.Singleton(SubmitForm, open_ticket, settings.provided.intake_topics)

    inbox = providers.Singleton(
        Inbox,
        store=state,
        outbox=state,
        handlers=providers.Dict(
            {
                MessagePosted.kind: open_ticket.provided.execute,
                ThreadReplyPosted.kind: relay_reply.provided.execute,
                TrackerCommentAdded.kind: relay_comment.provided.execute,
                TrackerStatusChanged.kind: announce_status.provided.execute,
                ButtonClicked.kind: press_button.provided.execute,
                FormSubmitted.kind: submit_form.provided.execute,
            }
        ),
        clock=clock,
    )
    webhooks = providers.Singleton(
        WebhookApp,
        secrets=providers.Callable(_webhook_secrets, settings),
        inbox=inbox,
        health=state,
        clock=clock,
        form_handler=submit_form.provided.validate,
        time_left=providers.Object(time_left),
    )
