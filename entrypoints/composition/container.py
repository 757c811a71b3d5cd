"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used."""

from __future__ import annotations

from dependency_injector import providers

from application.form_events import ButtonClicked, FormSubmitted, MergeRequested
from application.message_events import MessageDeleted, MessageEdited, MessagePosted, ThreadReplyPosted
from application.once.exclusive import OnceOnly
from application.once.inbox import Inbox
from application.services.agents_chat import AgentsChat
from application.services.merging import MergeFollowUp
from application.services.ratings import RateTicket
from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged
from application.usecases.announce import AnnounceStatus
from application.usecases.buttons import PressButton
from application.usecases.comments import RelayReply, RelayTrackerComment
from application.usecases.deletions import DeleteMessage
from application.usecases.edits import EditMessage
from application.usecases.my_tickets import MyTickets
from application.usecases.rating import AskRating
from application.usecases.submit_form import SubmitForm
from application.usecases.tickets import OpenTicket
from entrypoints.composition.admin_container import AdminContainer
from entrypoints.composition.services import Services
from entrypoints.composition.wiring import (
    comment_settings_of,
    every_kind_handled,
    in_turn,
    retention_of,
    webhook_secrets,
)
from entrypoints.http.webhooks import WebhookApp


class Container(Services):
    """The use cases, the inbox and the HTTP app over the shared `Services`; `admin` holds the operator's
    commands."""

    settings, state, clock, budget = Services.settings, Services.state, Services.clock, Services.budget
    messenger, tracker, tracker_http, directory = (
        Services.messenger,
        Services.tracker,
        Services.tracker_http,
        Services.directory,
    )
    tracker_files, locator, identities, schema = (
        Services.tracker_files,
        Services.locator,
        Services.identities,
        Services.schema,
    )
    writer, poster, cards, intake = Services.writer, Services.poster, Services.cards, Services.intake
    follow_ups = Services.follow_ups
    files, mentions, carried, ticket_settings = (
        Services.files,
        Services.mentions,
        Services.carried,
        Services.ticket_settings,
    )

    agents_chat = providers.Singleton(
        AgentsChat,
        chat_id=settings.provided.agents_chat_id,
        web_url=settings.provided.tracker_web_url,
        agents=settings.provided.agent_pachca_user_ids,
        tracker=tracker,
        changes=tracker,
        locator=locator,
        schema=schema,
        identities=identities,
        mentions=mentions,
        poster=poster,
        writer=writer,
        messenger=messenger,
    )
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
        agents=agents_chat,
        follow_ups=follow_ups,
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
        follow_ups=follow_ups,
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
        EditMessage,
        files=tracker_files,
        carried=carried,
        identities=identities,
        mentions=mentions,
        writer=writer,
        tracker=tracker,
        carrier=files,
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
        identities=identities,
        links=state,
        schema=schema,
        poster=poster,
        cache=state,
        clock=clock,
        queues=Services.routing.provided.queues,
        web_url=settings.provided.tracker_web_url,
    )
    ask_rating = providers.Singleton(
        AskRating,
        tracker=tracker,
        locator=locator,
        schema=schema,
        poster=poster,
        cache=state,
        clock=clock,
        follow_ups=follow_ups,
        enabled=settings.provided.csat,
    )
    rate_ticket = providers.Singleton(
        RateTicket,
        tracker=tracker,
        changes=tracker,
        locator=locator,
        schema=schema,
        identities=identities,
        writer=writer,
        messenger=messenger,
    )
    once_only = providers.Singleton(OnceOnly, store=state, outbox=state, clock=clock)
    merge_follow_up = providers.Singleton(
        MergeFollowUp,
        tracker=tracker,
        changes=tracker,
        tracker_files=tracker_files,
        locator=locator,
        schema=schema,
        identities=identities,
        follow_ups=follow_ups,
        cards=cards,
        poster=poster,
        writer=writer,
        files=files,
        once=once_only,
        agents=settings.provided.agent_pachca_user_ids,
        agents_chat=agents_chat,
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
        rating=rate_ticket,
        agents_chat=agents_chat,
        merge=merge_follow_up,
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
                    TrackerStatusChanged.kind: providers.Callable(
                        in_turn, announce_status.provided.execute, ask_rating.provided.execute
                    ),
                    ButtonClicked.kind: press_button.provided.execute,
                    FormSubmitted.kind: submit_form.provided.execute,
                    MessageEdited.kind: edit_message.provided.execute,
                    MessageDeleted.kind: delete_message.provided.execute,
                    MergeRequested.kind: merge_follow_up.provided.execute,
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
