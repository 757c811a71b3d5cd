"""The composition root's middle ring (composed into `composition.container`): the application services the use
cases share, over the adapters of `Outside`."""

from __future__ import annotations

from dependency_injector import containers, providers

from entrypoints.composition.lazy import Deferred
from entrypoints.composition.wiring import file_limits_of, routing_of, ticket_settings_of, when_configured
from entrypoints.config.settings import Settings


class Services(containers.DeclarativeContainer):
    """Who is who, mentions, the schema, the write log, the ticket locator, cards, the intake form, files, and the
    queue routing (chat -> queue), each built once over `outside`'s adapters."""

    settings = providers.Dependency(instance_of=Settings)
    outside = providers.DependenciesContainer()

    routing = providers.Singleton(routing_of, settings=settings)  # chat -> queue: wherever a queue is needed
    identities = providers.Singleton(
        Deferred("application.services.lookups.Identities"),
        messenger=outside.messenger,
        tracker=outside.tracker,
        cache=outside.state,
        clock=outside.clock,
        bot_user_id=settings.provided.bot_user_id,
    )
    directory_index = providers.Singleton(
        Deferred("application.services.directory_index.DirectoryIndex"),
        directory=outside.directory,
        cache=outside.state,
        clock=outside.clock,
    )
    mentions = providers.Singleton(
        Deferred("application.services.mentions.Mentions"),
        messenger=outside.messenger,
        tracker=outside.tracker,
        directory=directory_index,
        cache=outside.state,
        clock=outside.clock,
        email_domain=settings.provided.pachca_email_domain,
        max_mentions=settings.provided.max_mentions,
    )
    schema = providers.Singleton(
        Deferred("application.services.lookups.TrackerSchema"),
        tracker=outside.tracker,
        cache=outside.state,
        clock=outside.clock,
    )
    writer = providers.Singleton(Deferred("application.once.writes.OnceWriter"), log=outside.state, clock=outside.clock)
    poster = providers.Singleton(
        Deferred("application.once.writes.Poster"), messenger=outside.messenger, identities=identities, writer=writer
    )
    ticket_settings = providers.Singleton(ticket_settings_of, settings=settings, routing=routing)
    provenance = providers.Singleton(
        Deferred("application.services.provenance.Provenance"),
        messenger=outside.messenger,
        identities=identities,
        support_chats=settings.provided.support_chat_ids,
    )
    locator = providers.Singleton(
        Deferred("application.services.locator.TicketLocator"),
        links=outside.state,
        tracker=outside.tracker,
        provenance=provenance,
        log=outside.state,
        clock=outside.clock,
        routing=routing,
    )
    news = providers.Singleton(
        Deferred("application.once.told.ThreadNews"),
        tracker=outside.tracker,
        locator=locator,
        poster=poster,
        cache=outside.state,
        clock=outside.clock,
    )
    follow_ups = providers.Singleton(
        Deferred("application.helpdesk.follow_ups.FollowUps"),
        cache=outside.state,
        clock=outside.clock,
        window_minutes=settings.provided.follow_up_minutes,
    )
    cards = providers.Singleton(
        Deferred("application.services.cards.Cards"),
        messenger=outside.messenger,
        links=outside.state,
        web_url=settings.provided.tracker_web_url,
        follow_ups=follow_ups,
    )
    intake = providers.Singleton(
        Deferred("application.services.intake.IntakeForm"),
        messenger=outside.messenger,
        poster=poster,
        topics=settings.provided.intake_topics,
    )
    files = providers.Singleton(
        Deferred("application.services.files.FileCarrier"),
        writer=writer,
        limits=providers.Callable(file_limits_of, settings=settings),
        messenger=outside.messenger_files,
        tracker=outside.tracker_files,
    )
    agents_chat = providers.Singleton(
        Deferred("application.helpdesk.agents_chat.AgentsChat"),
        chat_id=settings.provided.agents_chat_id,
        web_url=settings.provided.tracker_web_url,
        agents=settings.provided.agent_pachca_user_ids,
        tracker=outside.tracker,
        changes=outside.tracker,
        locator=locator,
        schema=schema,
        identities=identities,
        mentions=mentions,
        poster=poster,
        writer=writer,
        messenger=outside.messenger,
    )
    opener = providers.Singleton(
        Deferred("application.services.opening.TicketOpener"),
        messenger=outside.messenger,
        locator=locator,
        identities=identities,
        schema=schema,
        poster=poster,
        cards=cards,
        settings=ticket_settings,
        files=files,
        agents=providers.Callable(when_configured, settings.provided.agents_chat_id, agents_chat.provider),
        follow_ups=follow_ups,
    )
    my_tickets = providers.Singleton(
        Deferred("application.services.my_tickets.MyTickets"),
        tracker=outside.tracker,
        identities=identities,
        links=outside.state,
        schema=schema,
        poster=poster,
        cache=outside.state,
        clock=outside.clock,
        routing=routing,
        web_url=settings.provided.tracker_web_url,
    )
    carried = providers.Singleton(
        Deferred("application.once.carried.CarriedMessages"),
        links=outside.state,
        writer=writer,
        identities=identities,
        versions=outside.state,
        provenance=provenance,
    )
