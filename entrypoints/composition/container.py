"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used."""

from __future__ import annotations

from dependency_injector import providers

from adapters.pachca.history import HttpEventHistory, history_limiter
from application.form_events import ButtonClicked, FormSubmitted
from application.message_events import MessageDeleted, MessageEdited, MessagePosted, ThreadReplyPosted
from application.once.inbox import Inbox
from application.once.poller import Poller
from application.once.recovery import DrainPass, HistoryRecovery, PassLog, TrackerRecovery, WebhookMark
from application.services.alerts import Alerts
from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged
from application.usecases.announce import AnnounceStatus
from application.usecases.buttons import PressButton
from application.usecases.comments import RelayReply, RelayTrackerComment
from application.usecases.deletions import DeleteMessage
from application.usecases.edits import EditMessage
from application.usecases.my_tickets import MyTickets
from application.usecases.submit_form import SubmitForm
from application.usecases.tickets import OpenTicket
from entrypoints.composition.admin_container import AdminContainer
from entrypoints.composition.services import Services
from entrypoints.composition.wiring import (
    bridge_queues,
    comment_settings_of,
    every_kind_handled,
    history_event,
    history_horizon,
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
    pachca_http = Services.pachca_http
    files, mentions, carried, ticket_settings = (
        Services.files,
        Services.mentions,
        Services.carried,
        Services.ticket_settings,
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
    alerts = providers.Singleton(Alerts, poster=poster, clock=clock, chat_id=settings.provided.admin_chat_id)
    passes = providers.Singleton(PassLog, cache=state, clock=clock)

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
        on_problem=alerts.provided.event_problem,
    )
    event_history = providers.Singleton(
        HttpEventHistory, client=pachca_http, limiter=providers.Singleton(history_limiter, state)
    )
    history_recovery = providers.Singleton(
        HistoryRecovery,
        history=event_history,
        inbox=inbox,
        read=providers.Object(history_event),
        passes=passes,
        alerts=alerts,
        horizon_seconds=providers.Callable(history_horizon, settings),
    )
    tracker_recovery = providers.Singleton(
        TrackerRecovery,
        tracker=tracker,
        changes=tracker,
        inbox=inbox,
        identities=identities,
        schema=schema,
        cache=state,
        passes=passes,
        alerts=alerts,
        queues=providers.Callable(bridge_queues, settings),
        minutes=settings.provided.reconcile_minutes,
        internal_markers=settings.provided.internal_note_markers,
    )
    drain_pass = providers.Singleton(
        DrainPass,
        inbox=inbox,
        outbox=state,
        passes=passes,
        alerts=alerts,
        history=history_recovery,
        tracker=tracker_recovery,
        # a public function's timer body can be posted by anyone: Tracker is searched at most this often however
        # often a pass runs (shared by instances through the watermark)
        tracker_every=settings.provided.tracker_search_seconds,
    )
    poller = providers.Factory(
        Poller,
        history=history_recovery,
        tracker=tracker_recovery,
        drain=drain_pass,
        poll_seconds=settings.provided.poll_seconds,
        search_seconds=settings.provided.tracker_search_seconds,
    )
    webhooks = providers.Singleton(
        WebhookApp,
        secrets=providers.Callable(webhook_secrets, settings),
        inbox=inbox,
        health=state,
        clock=clock,
        form_handler=submit_form.provided.validate,
        budget=budget,
        drain_pass=drain_pass.provided.run,
        webhook_mark=providers.Singleton(WebhookMark, passes).provided.seen,
    )

    admin = providers.Container(
        AdminContainer,
        settings=settings,
        messenger=messenger,
        tracker_http=tracker_http,
        directory=directory,
        state=state,
        event_history=providers.Singleton(HttpEventHistory, client=pachca_http),  # doctor writes no rate slots
        clock=clock,
    )
