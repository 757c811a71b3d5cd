"""Every event kind the bridge acts on, and reading one back from the outbox."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from application.event import Event
from application.form_events import ButtonClicked, FormSubmitted, MergeRequested
from application.message_events import MessageDeleted, MessageEdited, MessagePosted, ThreadReplyPosted
from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged

EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        MessagePosted,
        ThreadReplyPosted,
        ButtonClicked,
        FormSubmitted,
        TrackerCommentAdded,
        TrackerStatusChanged,
        MessageEdited,
        MessageDeleted,
        MergeRequested,
    )
}


def load_event(kind: str, payload: str) -> Event:
    cls = EVENT_TYPES[kind]
    data: dict[str, Any] = json.loads(payload)
    for f in fields(cls):
        if f.name == "values":
            data[f.name] = tuple(tuple(pair) for pair in data[f.name])
    return cls(**data)
