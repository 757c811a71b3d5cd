"""The composition root: builds the bridge from Settings. Nothing connects or calls out until first used.

Three rings, composed (not inherited): `outside` (the adapters), `services` (what the use cases share, over the
adapters), and here the use cases, the handlers of each event class, the inbox and the HTTP app. The operator's
commands compose over the same rings in `admin_container.admin_of`, which the function never imports.

Providers name their classes by import path and each handler builds its use case on its event's first call
(`composition.lazy`): a cold function imports what its first event needs.
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
from application.once.inbox import Inbox, refuse_unreadable
from application.tracker_events import TrackerAssigneeChanged, TrackerCommentAdded, TrackerStatusChanged
from entrypoints.composition.lazy import Deferred, HandlersOnFirstEvent, on_first_call
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
        Deferred("application.usecases.tickets.OpenTicket"),
        opener=services.opener,
        identities=services.identities,
        log=outside.state,
        intake=services.intake,
        settings=services.ticket_settings,
    )
    relay_reply = providers.Singleton(
        Deferred("application.usecases.comments.RelayReply"),
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
        Deferred("application.usecases.comments.RelayTrackerComment"),
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
        Deferred("application.usecases.edits.EditMessage"),
        files=outside.tracker_files,
        carried=services.carried,
        identities=services.identities,
        mentions=services.mentions,
        writer=services.writer,
        tracker=outside.tracker,
        carrier=services.files,
    )
    delete_message = providers.Singleton(
        Deferred("application.usecases.deletions.DeleteMessage"),
        tracker=outside.tracker,
        files=outside.tracker_files,
        carried=services.carried,
        identities=services.identities,
        writer=services.writer,
    )
    announce_status = providers.Singleton(
        Deferred("application.usecases.announce.AnnounceStatus"),
        news=services.news,
        schema=services.schema,
        cards=services.cards,
    )
    announce_assignee = providers.Singleton(
        Deferred("application.usecases.assignee.AnnounceAssignee"), news=services.news
    )
    ask_rating = providers.Singleton(
        Deferred("application.usecases.rating.AskRating"),
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
        Deferred("application.helpdesk.ratings.RateTicket"),
        tracker=outside.tracker,
        changes=outside.tracker,
        locator=services.locator,
        schema=services.schema,
        identities=services.identities,
        writer=services.writer,
        messenger=outside.messenger,
    )
    once_only = providers.Singleton(
        Deferred("application.once.exclusive.OnceOnly"), store=outside.state, outbox=outside.state, clock=outside.clock
    )
    merge_follow_up = providers.Singleton(
        Deferred("application.helpdesk.merging.MergeFollowUp"),
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
        Deferred("application.usecases.buttons.PressButton"),
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
    submit_form = providers.Singleton(
        Deferred("application.usecases.submit_form.SubmitForm"),
        opener=services.opener,
        topics=settings.provided.intake_topics,
    )
    alerts = providers.Singleton(
        Deferred("application.once.alerts.Alerts"),
        poster=services.poster,
        clock=outside.clock,
        chat_id=settings.provided.admin_chat_id,
    )
    passes = providers.Singleton(Deferred("application.once.passes.PassLog"), cache=outside.state, clock=outside.clock)

    # every event class -> its handlers, run in order, each built on its class's first event (an event class
    # without one stops start-up)
    handlers = providers.Singleton(
        HandlersOnFirstEvent,
        providers.Dict(
            {
                MessagePosted: providers.List(open_ticket.provided.execute.provider),
                ThreadReplyPosted: providers.List(relay_reply.provided.execute.provider),
                MessageEdited: providers.List(edit_message.provided.execute.provider),
                MessageDeleted: providers.List(delete_message.provided.execute.provider),
                ButtonClicked: providers.List(press_button.provided.execute.provider),
                FormSubmitted: providers.List(submit_form.provided.execute.provider),
                TrackerCommentAdded: providers.List(relay_comment.provided.execute.provider),
                TrackerStatusChanged: providers.List(
                    announce_status.provided.execute.provider, ask_rating.provided.execute.provider
                ),
                TrackerAssigneeChanged: providers.List(announce_assignee.provided.execute.provider),
                MergeRequested: providers.List(merge_follow_up.provided.execute.provider),
                BodyRefused: providers.List(providers.Object(refuse_unreadable).provider),
            }
        ),
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
        on_problem=on_first_call(alerts, "event_problem"),
    )
    history_recovery = providers.Singleton(
        Deferred("application.once.recovery.HistoryRecovery"),
        history=outside.event_history,
        inbox=inbox,
        read=providers.Object(history_event),
        passes=passes,
        alerts=alerts,
        horizon_seconds=providers.Callable(history_horizon, settings=settings),
    )
    tracker_recovery = providers.Singleton(
        Deferred("application.once.recovery.TrackerRecovery"),
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
        Deferred("application.once.recovery.DrainPass"),
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
        Deferred("application.once.poller.Poller"),
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
        form_handler=on_first_call(submit_form, "validate"),
        budget=outside.budget,
        drain_pass=on_first_call(drain_pass, "run"),
        webhook_mark=providers.Singleton(Deferred("application.once.passes.WebhookMark"), passes=passes).provided.seen,
    )
