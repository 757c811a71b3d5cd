"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used."""

from __future__ import annotations

from dependency_injector import providers

from application.announce import AnnounceStatus
from application.buttons import PressButton
from application.cards import Cards
from application.comments import RelayReply, RelayTrackerComment
from application.directory_index import DirectoryIndex
from application.edits import CarriedMessages, DeleteMessage, EditMessage
from application.events import (
    ButtonClicked,
    FormSubmitted,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ThreadReplyPosted,
    TrackerCommentAdded,
    TrackerStatusChanged,
)
from application.files import FileCarrier
from application.identities import Identities
from application.inbox import Inbox
from application.intake import IntakeForm
from application.locator import TicketLocator
from application.mentions import Mentions
from application.my_tickets import MyTickets
from application.provenance import Provenance
from application.schema import TrackerSchema
from application.submit_form import SubmitForm
from application.tickets import OpenTicket
from application.writes import OnceWriter, Poster
from entrypoints.admin_container import AdminContainer
from entrypoints.outside import Outside
from entrypoints.webhooks import WebhookApp
from entrypoints.wiring import (
    comment_settings_of,
    every_kind_handled,
    file_limits_of,
    retention_of,
    ticket_settings_of,
    webhook_secrets,
)


class Container(Outside):
    """The use cases, the inbox and the HTTP app over the adapters of `Outside`; `admin` holds the operator's
    commands."""

    settings, state, clock, budget = Outside.settings, Outside.state, Outside.clock, Outside.budget
    messenger, tracker, tracker_http, directory = (
        Outside.messenger,
        Outside.tracker,
        Outside.tracker_http,
        Outside.directory,
    )
    messenger_files, tracker_files = Outside.messenger_files, Outside.tracker_files

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
        queue=settings.provided.tracker_queue,
    )
    cards = providers.Singleton(Cards, messenger=messenger, links=state, web_url=settings.provided.tracker_web_url)
    intake = providers.Singleton(IntakeForm, messenger=messenger, poster=poster, topics=settings.provided.intake_topics)
    files = providers.Singleton(
        FileCarrier,
        writer=writer,
        limits=providers.Callable(file_limits_of, settings),
        messenger=messenger_files,
        tracker=tracker_files,
    )
    carried = providers.Singleton(CarriedMessages, links=state, writer=writer)

    open_ticket = providers.Singleton(
        OpenTicket,
        messenger=messenger,
        tracker=tracker,
        locator=locator,
        identities=identities,
        schema=schema,
        log=state,
        poster=poster,
        cards=cards,
        intake=intake,
        settings=ticket_settings,
        files=files,
    )
    relay_reply = providers.Singleton(
        RelayReply,
        tracker=tracker,
        locator=locator,
        log=state,
        identities=identities,
        mentions=mentions,
        writer=writer,
        files=files,
    )
    relay_comment = providers.Singleton(
        RelayTrackerComment,
        tracker=tracker,
        locator=locator,
        log=state,
        identities=identities,
        mentions=mentions,
        poster=poster,
        files=files,
        settings=providers.Callable(comment_settings_of, settings),
    )
    edit_message = providers.Singleton(
        EditMessage, files=tracker_files, carried=carried, identities=identities, mentions=mentions, writer=writer
    )
    delete_message = providers.Singleton(
        DeleteMessage, tracker=tracker, files=tracker_files, carried=carried, identities=identities, writer=writer
    )
    announce_status = providers.Singleton(
        AnnounceStatus,
        tracker=tracker,
        locator=locator,
        schema=schema,
        cards=cards,
        poster=poster,
        cache=state,
        clock=clock,
    )
    my_tickets = providers.Singleton(
        MyTickets,
        tracker=tracker,
        schema=schema,
        poster=poster,
        cache=state,
        clock=clock,
        queue=settings.provided.tracker_queue,
        web_url=settings.provided.tracker_web_url,
    )
    press_button = providers.Singleton(
        PressButton,
        tracker=tracker,
        locator=locator,
        schema=schema,
        cards=cards,
        writer=writer,
        poster=poster,
        my_tickets=my_tickets,
        intake=intake,
        agents=settings.provided.agent_pachca_user_ids,
    )
    submit_form = providers.Singleton(SubmitForm, open_ticket=open_ticket, topics=settings.provided.intake_topics)

    inbox = providers.Singleton(
        Inbox,
        store=state,
        outbox=state,
        cache=state,
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
                    MessageEdited.kind: edit_message.provided.execute,
                    MessageDeleted.kind: delete_message.provided.execute,
                }
            ),
        ),
        clock=clock,
        time_left=budget.provided.left,
        budget=budget.provided.within,
        retention=providers.Callable(retention_of, state, settings),
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
