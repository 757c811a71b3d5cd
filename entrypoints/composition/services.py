"""The composition root's middle ring (composed into `composition.container`): the application services the use
cases share, over the adapters of `Outside`."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.helpdesk.agents_chat import AgentsChat
from application.helpdesk.follow_ups import FollowUps
from application.once.carried import CarriedMessages
from application.once.told import ThreadNews
from application.once.writes import OnceWriter, Poster
from application.services.cards import Cards
from application.services.directory_index import DirectoryIndex
from application.services.files import FileCarrier
from application.services.identities import Identities
from application.services.intake import IntakeForm
from application.services.locator import TicketLocator
from application.services.mentions import Mentions
from application.services.my_tickets import MyTickets
from application.services.opening import TicketOpener
from application.services.provenance import Provenance
from application.services.schema import TrackerSchema
from entrypoints.composition.wiring import file_limits_of, routing_of, ticket_settings_of
from entrypoints.config.settings import Settings


class Services(containers.DeclarativeContainer):
    """Who is who, mentions, the schema, the write log, the ticket locator, cards, the intake form, files, and the
    queue routing (chat -> queue), each built once over `outside`'s adapters."""

    settings = providers.Dependency(instance_of=Settings)
    outside = providers.DependenciesContainer()

    routing = providers.Singleton(routing_of, settings=settings)  # chat -> queue: wherever a queue is needed
    identities = providers.Singleton(
        Identities,
        messenger=outside.messenger,
        tracker=outside.tracker,
        cache=outside.state,
        clock=outside.clock,
        bot_user_id=settings.provided.bot_user_id,
    )
    directory_index = providers.Singleton(
        DirectoryIndex, directory=outside.directory, cache=outside.state, clock=outside.clock
    )
    mentions = providers.Singleton(
        Mentions,
        messenger=outside.messenger,
        tracker=outside.tracker,
        directory=directory_index,
        cache=outside.state,
        clock=outside.clock,
        email_domain=settings.provided.pachca_email_domain,
        max_mentions=settings.provided.max_mentions,
    )
    schema = providers.Singleton(TrackerSchema, tracker=outside.tracker, cache=outside.state, clock=outside.clock)
    writer = providers.Singleton(OnceWriter, log=outside.state, clock=outside.clock)
    poster = providers.Singleton(Poster, messenger=outside.messenger, identities=identities, writer=writer)
    ticket_settings = providers.Singleton(ticket_settings_of, settings=settings, routing=routing)
    provenance = providers.Singleton(
        Provenance,
        messenger=outside.messenger,
        identities=identities,
        support_chats=settings.provided.support_chat_ids,
    )
    locator = providers.Singleton(
        TicketLocator,
        links=outside.state,
        tracker=outside.tracker,
        provenance=provenance,
        log=outside.state,
        clock=outside.clock,
        routing=routing,
    )
    news = providers.Singleton(
        ThreadNews, tracker=outside.tracker, locator=locator, poster=poster, cache=outside.state, clock=outside.clock
    )
    follow_ups = providers.Singleton(
        FollowUps, cache=outside.state, clock=outside.clock, window_minutes=settings.provided.follow_up_minutes
    )
    cards = providers.Singleton(
        Cards,
        messenger=outside.messenger,
        links=outside.state,
        web_url=settings.provided.tracker_web_url,
        follow_ups=follow_ups,
    )
    intake = providers.Singleton(
        IntakeForm, messenger=outside.messenger, poster=poster, topics=settings.provided.intake_topics
    )
    files = providers.Singleton(
        FileCarrier,
        writer=writer,
        limits=providers.Callable(file_limits_of, settings=settings),
        messenger=outside.messenger_files,
        tracker=outside.tracker_files,
    )
    agents_chat = providers.Singleton(
        AgentsChat,
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
        TicketOpener,
        messenger=outside.messenger,
        locator=locator,
        identities=identities,
        schema=schema,
        poster=poster,
        cards=cards,
        settings=ticket_settings,
        files=files,
        agents=agents_chat,
        follow_ups=follow_ups,
    )
    my_tickets = providers.Singleton(
        MyTickets,
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
        CarriedMessages,
        links=outside.state,
        writer=writer,
        identities=identities,
        versions=outside.state,
        provenance=provenance,
    )
