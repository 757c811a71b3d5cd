"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used.

Three rings, composed (not inherited): `outside` (the adapters), `services` (what the use cases share, over the
adapters), and here the use cases, the handlers of each event class, the inbox and the HTTP app. The operator's
commands compose over the same rings in `admin_container.admin_of`, which the function never imports.
"""

from __future__ import annotations

from dependency_injector import containers, providers

from application.events import (
    BodyRefused,
    ButtonClicked,
    FormSubmitted,
    MergeRequested,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ThreadReplyPosted,
)
from application.helpdesk.merging import MergeFollowUp
from application.helpdesk.ratings import RateTicket
from application.once.alerts import Alerts
from application.once.exclusive import OnceOnly
from application.once.inbox import Inbox, refuse_unreadable
from application.once.poller import Poller
from application.once.recovery import DrainPass, HistoryRecovery, PassLog, TrackerRecovery, WebhookMark
from application.tracker_events import TrackerAssigneeChanged, TrackerCommentAdded, TrackerStatusChanged
from application.usecases.announce import AnnounceStatus
from application.usecases.assignee import AnnounceAssignee
from application.usecases.buttons import PressButton
from application.usecases.comments import RelayReply, RelayTrackerComment
from application.usecases.deletions import DeleteMessage
from application.usecases.edits import EditMessage
from application.usecases.rating import AskRating
from application.usecases.submit_form import SubmitForm
from application.usecases.tickets import OpenTicket
from entrypoints.composition.outside import Outside
from entrypoints.composition.services import Services
from entrypoints.composition.wiring import (
    comment_settings_of,
    every_kind_handled,
    history_event,
    history_horizon,
    retention_of,
    webhook_secrets,
)
from entrypoints.config.settings import Settings
from entrypoints.http.webhooks import WebhookApp


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    state_url = providers.Dependency(instance_of=str)

    outside = providers.Container(Outside, settings=settings, state_url=state_url)
    services = providers.Container(Services, settings=settings, outside=outside)

    open_ticket = providers.Singleton(
        OpenTicket,
        opener=services.opener,
        identities=services.identities,
        log=outside.state,
        intake=services.intake,
        settings=services.ticket_settings,
    )
    relay_reply = providers.Singleton(
        RelayReply,
        tracker=outside.tracker,
        locator=services.locator,
        log=outside.state,
        identities=services.identities,
        mentions=services.mentions,
        writer=services.writer,
        files=services.files,
        follow_ups=services.follow_ups,
    )
    relay_comment = providers.Singleton(
        RelayTrackerComment,
        tracker=outside.tracker,
        locator=services.locator,
        log=outside.state,
        identities=services.identities,
        mentions=services.mentions,
        poster=services.poster,
        files=services.files,
        settings=providers.Callable(comment_settings_of, settings=settings),
    )
    edit_message = providers.Singleton(
        EditMessage,
        files=outside.tracker_files,
        carried=services.carried,
        identities=services.identities,
        mentions=services.mentions,
        writer=services.writer,
        tracker=outside.tracker,
        carrier=services.files,
    )
    delete_message = providers.Singleton(
        DeleteMessage,
        tracker=outside.tracker,
        files=outside.tracker_files,
        carried=services.carried,
        identities=services.identities,
        writer=services.writer,
    )
    announce_status = providers.Singleton(
        AnnounceStatus, news=services.news, schema=services.schema, cards=services.cards
    )
    announce_assignee = providers.Singleton(AnnounceAssignee, news=services.news)
    ask_rating = providers.Singleton(
        AskRating,
        tracker=outside.tracker,
        locator=services.locator,
        schema=services.schema,
        poster=services.poster,
        cache=outside.state,
        clock=outside.clock,
        follow_ups=services.follow_ups,
        enabled=settings.provided.csat,
    )
    rate_ticket = providers.Singleton(
        RateTicket,
        tracker=outside.tracker,
        changes=outside.tracker,
        locator=services.locator,
        schema=services.schema,
        identities=services.identities,
        writer=services.writer,
        messenger=outside.messenger,
    )
    once_only = providers.Singleton(OnceOnly, store=outside.state, outbox=outside.state, clock=outside.clock)
    merge_follow_up = providers.Singleton(
        MergeFollowUp,
        tracker=outside.tracker,
        changes=outside.tracker,
        tracker_files=outside.tracker_files,
        locator=services.locator,
        schema=services.schema,
        identities=services.identities,
        follow_ups=services.follow_ups,
        cards=services.cards,
        poster=services.poster,
        writer=services.writer,
        files=services.files,
        once=once_only,
        agents=settings.provided.agent_pachca_user_ids,
        agents_chat=services.agents_chat,
    )
    press_button = providers.Singleton(
        PressButton,
        tracker=outside.tracker,
        locator=services.locator,
        schema=services.schema,
        cards=services.cards,
        writer=services.writer,
        poster=services.poster,
        my_tickets=services.my_tickets,
        intake=services.intake,
        agents=settings.provided.agent_pachca_user_ids,
        rating=rate_ticket,
        agents_chat=services.agents_chat,
        merge=merge_follow_up,
    )
    submit_form = providers.Singleton(SubmitForm, opener=services.opener, topics=settings.provided.intake_topics)
    alerts = providers.Singleton(
        Alerts, poster=services.poster, clock=outside.clock, chat_id=settings.provided.admin_chat_id
    )
    passes = providers.Singleton(PassLog, cache=outside.state, clock=outside.clock)

    # every event class -> its handlers, run in order (an event class without one stops start-up)
    handlers = providers.Dict(
        {
            MessagePosted: providers.List(open_ticket.provided.execute),
            ThreadReplyPosted: providers.List(relay_reply.provided.execute),
            MessageEdited: providers.List(edit_message.provided.execute),
            MessageDeleted: providers.List(delete_message.provided.execute),
            ButtonClicked: providers.List(press_button.provided.execute),
            FormSubmitted: providers.List(submit_form.provided.execute),
            TrackerCommentAdded: providers.List(relay_comment.provided.execute),
            TrackerStatusChanged: providers.List(announce_status.provided.execute, ask_rating.provided.execute),
            TrackerAssigneeChanged: providers.List(announce_assignee.provided.execute),
            MergeRequested: providers.List(merge_follow_up.provided.execute),
            BodyRefused: providers.List(providers.Object(refuse_unreadable)),
        }
    )

    inbox = providers.Singleton(
        Inbox,
        store=outside.state,
        outbox=outside.state,
        cache=outside.state,
        handlers=providers.Callable(every_kind_handled, handlers=handlers),
        clock=outside.clock,
        time_left=outside.budget.provided.left,
        budget=outside.budget.provided.within,
        retention=providers.Callable(retention_of, store=outside.state, settings=settings),
        on_problem=alerts.provided.event_problem,
    )
    history_recovery = providers.Singleton(
        HistoryRecovery,
        history=outside.event_history,
        inbox=inbox,
        read=providers.Object(history_event),
        passes=passes,
        alerts=alerts,
        horizon_seconds=providers.Callable(history_horizon, settings=settings),
    )
    tracker_recovery = providers.Singleton(
        TrackerRecovery,
        tracker=outside.tracker,
        changes=outside.tracker,
        inbox=inbox,
        identities=services.identities,
        schema=services.schema,
        cache=outside.state,
        passes=passes,
        alerts=alerts,
        queues=services.routing.provided.queues,
        minutes=settings.provided.reconcile_minutes,
        internal_markers=settings.provided.internal_note_markers,
    )
    drain_pass = providers.Singleton(
        DrainPass,
        inbox=inbox,
        outbox=outside.state,
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
        secrets=providers.Callable(webhook_secrets, settings=settings),
        inbox=inbox,
        health=outside.state,
        clock=outside.clock,
        form_handler=submit_form.provided.validate,
        budget=outside.budget,
        drain_pass=drain_pass.provided.run,
        webhook_mark=providers.Singleton(WebhookMark, passes=passes).provided.seen,
    )
