"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used."""

from __future__ import annotations

import requests
from dependency_injector import containers, providers

from adapters.budget import InvocationBudget
from adapters.clock import SystemClock
from adapters.http import RetryPolicy
from adapters.pachca import HttpChatMessenger, pachca_client
from adapters.ratelimit import ChatRateLimiter
from adapters.redaction import Redactor
from adapters.state_url import open_state
from adapters.tracker import HttpIssueTracker
from adapters.tracker_client import tracker_client
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
from entrypoints.admin_container import AdminContainer
from entrypoints.settings import Settings
from entrypoints.webhooks import WebhookApp
from entrypoints.wiring import directory_of, every_kind_handled, webhook_secrets


def _ticket_settings(settings: Settings) -> TicketSettings:
    return TicketSettings(
        settings.tracker_queue,
        settings.tracker_web_url,
        frozenset(settings.support_chat_ids),
        tuple(settings.intake_topics),
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    state_url = providers.Dependency(instance_of=str)
    password_provider: providers.Object[object] = providers.Object(None)

    clock = providers.Singleton(SystemClock)
    redactor = providers.Singleton(Redactor, settings.provided.secret_values.call())
    budget = providers.Singleton(InvocationBudget)
    retry_policy = providers.Object(RetryPolicy())  # `doctor` overrides it: one try each
    session = providers.Singleton(requests.Session)
    state = providers.Singleton(open_state, state_url, password_provider)

    pachca_http = providers.Singleton(
        pachca_client,
        session,
        settings.provided.pachca_api_url,
        settings.provided.secret.call("pachca_api_token"),
        policy=retry_policy,
        budget=budget,
    )
    tracker_http = providers.Singleton(
        tracker_client,
        session,
        settings.provided.tracker_base_url,
        settings.provided.secret.call("tracker_api_token"),
        org_id=settings.provided.tracker_org_id,
        cloud_org_id=settings.provided.tracker_cloud_org_id,
        policy=retry_policy,
        budget=budget,
    )
    messenger = providers.Singleton(
        HttpChatMessenger, client=pachca_http, rate_limiter=providers.Singleton(ChatRateLimiter)
    )
    tracker = providers.Singleton(HttpIssueTracker, client=tracker_http)
    directory = providers.Singleton(directory_of, settings, session, retry_policy, budget)

    identities = providers.Singleton(
        Identities, messenger, tracker, state, clock, bot_user_id=settings.provided.bot_user_id
    )
    mentions = providers.Singleton(
        Mentions, messenger, tracker, directory, state, clock, email_domain=settings.provided.pachca_email_domain
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
        RelayTrackerComment, messenger, tracker, state, state, identities, mentions, poster
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
        handlers=providers.Callable(
            every_kind_handled,
            providers.Dict(
                {
                    MessagePosted.kind: open_ticket.provided.execute,
                    ThreadReplyPosted.kind: relay_reply.provided.execute,
                    TrackerCommentAdded.kind: relay_comment.provided.execute,
                    TrackerStatusChanged.kind: announce_status.provided.execute,
                    ButtonClicked.kind: press_button.provided.execute,
                    FormSubmitted.kind: submit_form.provided.execute,
                }
            ),
        ),
        clock=clock,
    )
    webhooks = providers.Singleton(
        WebhookApp,
        secrets=providers.Callable(webhook_secrets, settings),
        inbox=inbox,
        health=state,
        clock=clock,
        form_handler=submit_form.provided.validate,
        budget=budget,
    )

    admin = providers.Container(
        AdminContainer,
        settings=settings,
        messenger=messenger,
        tracker_http=tracker_http,
        directory=directory,
        state=state,
    )
