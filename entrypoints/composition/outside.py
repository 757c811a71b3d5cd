"""The composition root's outer ring (composed into `composition.container`): every adapter, built from Settings,
nothing connected or called until first used, and each adapter's module imported when it is first built
(`composition.lazy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests
from dependency_injector import containers, providers

from adapters.clock import SystemClock
from adapters.http.client import InvocationBudget, RetryPolicy
from entrypoints.composition.lazy import Deferred
from entrypoints.config.logs import Redactor
from entrypoints.config.settings import Settings

if TYPE_CHECKING:
    from adapters.y360.directory import HttpUserDirectory


def directory_of(
    settings: Settings, session: requests.Session, policy: RetryPolicy, budget: InvocationBudget
) -> HttpUserDirectory | None:
    if not settings.directory_configured:
        return None
    from adapters.y360.directory import HttpUserDirectory, y360_client  # only where a directory is configured

    client = y360_client(session, settings.y360_api_url, settings.secret("y360_oauth"), policy=policy, budget=budget)
    return HttpUserDirectory(client, str(settings.y360_org_id))


class Outside(containers.DeclarativeContainer):
    """The adapters: the clients of Pachca, Tracker and Yandex 360, the state store, the clock, and the policies
    they share (retries, the invocation budget, redaction)."""

    settings = providers.Dependency(instance_of=Settings)
    state_url = providers.Dependency(instance_of=str)
    password_provider: providers.Object[object] = providers.Object(None)

    clock = providers.Singleton(SystemClock)
    redactor = providers.Singleton(Redactor, secrets=settings.provided.secret_values.call())
    budget = providers.Singleton(InvocationBudget)
    retry_policy = providers.Object(RetryPolicy())  # `doctor` overrides it: one try each
    session = providers.Singleton(requests.Session)
    state = providers.Singleton(
        Deferred("adapters.state.stores.open_state"), url=state_url, password_provider=password_provider
    )

    pachca_http = providers.Singleton(
        Deferred("adapters.pachca.messenger.pachca_client"),
        session=session,
        base_url=settings.provided.pachca_api_url,
        token=settings.provided.secret.call("pachca_api_token"),
        policy=retry_policy,
        budget=budget,
    )
    tracker_http = providers.Singleton(
        Deferred("adapters.tracker.client.tracker_client"),
        session=session,
        base_url=settings.provided.tracker_base_url,
        token=settings.provided.secret.call("tracker_api_token"),
        org_id=settings.provided.tracker_org_id,
        cloud_org_id=settings.provided.tracker_cloud_org_id,
        policy=retry_policy,
        budget=budget,
    )
    messenger = providers.Singleton(
        Deferred("adapters.pachca.messenger.HttpChatMessenger"),
        client=pachca_http,
        # one limit for every instance
        rate_limiter=providers.Singleton(Deferred("adapters.pachca.ratelimit.ChatRateLimiter"), shared=state),
    )
    pachca_admin = providers.Singleton(Deferred("adapters.pachca.admin.HttpPachcaAdmin"), client=pachca_http)
    tracker = providers.Singleton(Deferred("adapters.tracker.issues.HttpIssueTracker"), client=tracker_http)
    messenger_files = providers.Singleton(Deferred("adapters.pachca.files.HttpMessengerFiles"), client=pachca_http)
    # Pachca's event history: reads limited for every instance through the store; `doctor` reads it unlimited
    event_history = providers.Singleton(
        Deferred("adapters.pachca.history.HttpEventHistory"),
        client=pachca_http,
        limiter=providers.Singleton(Deferred("adapters.pachca.history.history_limiter"), shared=state),
    )
    doctor_event_history = providers.Singleton(Deferred("adapters.pachca.history.HttpEventHistory"), client=pachca_http)
    tracker_files = providers.Singleton(Deferred("adapters.tracker.files.HttpTrackerFiles"), client=tracker_http)
    directory = providers.Singleton(
        directory_of, settings=settings, session=session, policy=retry_policy, budget=budget
    )
