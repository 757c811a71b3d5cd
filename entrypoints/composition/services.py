"""The composition root's middle ring (see `composition.container`): the application services the use cases share,
over the adapters of `Outside`."""

from __future__ import annotations

from dependency_injector import providers

from application.once.carried import CarriedMessages
from application.once.poster import Poster
from application.once.writes import OnceWriter
from application.services.cards import Cards
from application.services.directory_index import DirectoryIndex
from application.services.files import FileCarrier
from application.services.follow_ups import FollowUps
from application.services.identities import Identities
from application.services.locator import TicketLocator
from application.services.mentions import Mentions
from application.services.provenance import Provenance
from application.services.schema import TrackerSchema
from application.usecases.intake import IntakeForm
from entrypoints.composition.outside import Outside
from entrypoints.composition.wiring import file_limits_of, routing_of, ticket_settings_of


class Services(Outside):
    """Who is who, mentions, the schema, the write log, the ticket locator, cards, the intake form and files."""

    settings, state, clock, budget = Outside.settings, Outside.state, Outside.clock, Outside.budget
    messenger, tracker, tracker_http, directory = (
        Outside.messenger,
        Outside.tracker,
        Outside.tracker_http,
        Outside.directory,
    )
    messenger_files, tracker_files = Outside.messenger_files, Outside.tracker_files

    routing = providers.Singleton(routing_of, settings)
    identities = providers.Singleton(
        Identities,
        messenger=messenger,
        tracker=tracker,
        cache=state,
        clock=clock,
        bot_user_id=settings.provided.bot_user_id,
    )
    directory_index = providers.Singleton(DirectoryIndex, directory=directory, cache=state, clock=clock)
    mentions = providers.Singleton(
        Mentions,
        messenger=messenger,
        tracker=tracker,
        directory=directory_index,
        cache=state,
        clock=clock,
        email_domain=settings.provided.pachca_email_domain,
        max_mentions=settings.provided.max_mentions,
    )
    schema = providers.Singleton(TrackerSchema, tracker=tracker, cache=state, clock=clock)
    writer = providers.Singleton(OnceWriter, log=state, clock=clock)
    poster = providers.Singleton(Poster, messenger=messenger, identities=identities, writer=writer)
    ticket_settings = providers.Singleton(ticket_settings_of, settings)
    provenance = providers.Singleton(
        Provenance, messenger=messenger, identities=identities, support_chats=settings.provided.support_chat_ids
    )
    locator = providers.Singleton(
        TicketLocator,
        links=state,
        tracker=tracker,
        provenance=provenance,
        log=state,
        clock=clock,
        routing=routing,
    )
    follow_ups = providers.Singleton(
        FollowUps, cache=state, clock=clock, window_minutes=settings.provided.follow_up_minutes
    )
    cards = providers.Singleton(
        Cards, messenger=messenger, links=state, web_url=settings.provided.tracker_web_url, follow_ups=follow_ups
    )
    intake = providers.Singleton(IntakeForm, messenger=messenger, poster=poster, topics=settings.provided.intake_topics)
    files = providers.Singleton(
        FileCarrier,
        writer=writer,
        limits=providers.Callable(file_limits_of, settings),
        messenger=messenger_files,
        tracker=tracker_files,
    )
    carried = providers.Singleton(
        CarriedMessages, links=state, writer=writer, identities=identities, provenance=provenance
    )
