"""Pachca's webhook payloads, shaped as its documentation and OpenAPI spec give them, mapped to the bridge's events."""

from __future__ import annotations

from typing import Any

import pytest

from application.events import (
    ButtonClicked,
    FormSubmitted,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ThreadReplyPosted,
    Unreadable,
)
from application.tracker_events import TRACKER_EVENTS, TrackerCommentAdded, TrackerStatusChanged
from entrypoints.http.pachca_reader import pachca_event
from entrypoints.http.webhooks import Source, is_timer, source_of

CHANNEL_MESSAGE: dict[str, Any] = {
    "event": "new", "type": "message", "webhook_timestamp": 1744618734, "chat_id": 918264,
    "content": "Клиент просит поправить шапку", "user_id": 134412, "id": 56431,
    "created_at": "2025-04-14T08:18:54.000Z", "parent_message_id": None, "entity_type": "discussion",
    "entity_id": 918264, "thread": None, "url": "https://app.pachca.com/chats/124511?message=56431",
}  # fmt: skip
THREAD_MESSAGE: dict[str, Any] = {
    "type": "message", "event": "new", "id": 194300, "entity_type": "thread", "entity_id": 265142,
    "chat_id": 2637266155, "content": "Посмотрел, воспроизводится", "user_id": 12,
    "created_at": "2025-05-15T14:30:00.000Z", "changed_at": "2025-05-15T14:30:00.000Z",
    "url": "https://app.pachca.com/chats/2637266155?message=194300", "parent_message_id": None,
    "thread": {"message_id": 154332686, "message_chat_id": 2637266154}, "webhook_timestamp": 1747574400,
}  # fmt: skip
DIRECT_MESSAGE = {
    "type": "message", "event": "new", "id": 56500, "entity_type": "user", "entity_id": 134412, "chat_id": 918300,
    "content": "Не работает вход", "user_id": 134412, "created_at": "2025-04-14T09:00:00.000Z",
    "changed_at": "2025-04-14T09:00:00.000Z", "url": "https://app.pachca.com/chats/918300?message=56500",
    "parent_message_id": None, "thread": None, "webhook_timestamp": 1744621200,
}  # fmt: skip
IGNORED = [
    {"type": "message", "event": "link_shared", "chat_id": 23438, "message_id": 268092,
     "links": [{"url": "https://example.com/page1", "domain": "example.com", "skip": False}], "user_id": 2345,
     "created_at": "2024-09-18T19:53:14.000Z", "webhook_timestamp": 1726685594},
    {"type": "reaction", "event": "new", "chat_id": 9012, "message_id": 1245817, "code": "👍", "name": "thumbsup",
     "user_id": 2345, "created_at": "2025-05-15T14:30:00.000Z", "webhook_timestamp": 1747574400},
    {"type": "chat_member", "event": "add", "chat_id": 9012, "thread_id": None, "user_ids": [2345],
     "created_at": "2025-05-15T14:30:00.000Z", "webhook_timestamp": 1747574400},
    {"type": "company_member", "event": "invite", "user_ids": [2345, 6789],
     "created_at": "2025-05-15T14:30:00.000Z", "webhook_timestamp": 1747574400},
    {"type": "video_call", "event": "started", "video_room_id": 1, "chat_id": 9012, "owner_id": 2345,
     "webhook_timestamp": 1747574400},
    {"type": "export", "event": "ready", "export_id": 7, "webhook_timestamp": 1747574400},
    {"type": "something_new", "event": "whatever", "webhook_timestamp": 1747574400},
]  # fmt: skip


def test_a_channel_message_is_a_new_request() -> None:
    event = pachca_event(CHANNEL_MESSAGE)

    assert event == MessagePosted(56431, 918264, 134412, "Клиент просит поправить шапку", CHANNEL_MESSAGE["url"])


def test_a_thread_message_is_a_reply_found_by_its_root_not_its_quote() -> None:
    event = pachca_event({**THREAD_MESSAGE, "parent_message_id": 999})

    assert event == ThreadReplyPosted(
        194300, 265142, 2637266155, 154332686, 2637266154, 12, "Посмотрел, воспроизводится", THREAD_MESSAGE["url"]
    )


def test_an_edit_is_an_event_of_its_version_and_a_deletion_one_of_the_message() -> None:
    edited = {**THREAD_MESSAGE, "event": "update", "content": "исправлено", "changed_at": "2025-05-15T14:35:00.000Z"}
    again = {**edited, "changed_at": "2025-05-15T14:36:10.000Z"}
    top_level_edit = {**CHANNEL_MESSAGE, "event": "update", "changed_at": None}  # never edited: its created_at

    first, second = pachca_event(edited), pachca_event(again)
    top = pachca_event(top_level_edit)
    deleted = pachca_event({**THREAD_MESSAGE, "event": "delete", "content": ""})

    created = 1747319400.0  # 2025-05-15T14:30:00Z
    root_chat = 2637266154  # a reply's conversation is its thread's root chat
    assert first == MessageEdited(194300, 154332686, 12, "исправлено", "2025-05-15T14:35:00+00:00", created, root_chat)
    assert isinstance(second, MessageEdited) and second.key != first.key  # two edits, two events
    assert top == MessageEdited(
        56431, 0, 134412, CHANNEL_MESSAGE["content"], "2025-04-14T08:18:54+00:00", 1744618734.0, 918264
    )
    assert deleted == MessageDeleted(194300, 154332686, 12, created, root_chat)
    direct = pachca_event({**DIRECT_MESSAGE, "event": "delete"})
    assert isinstance(direct, MessageDeleted) and (direct.chat_id, direct.direct) == (918300, True)


def test_a_direct_message_is_a_request_marked_direct() -> None:
    event = pachca_event(DIRECT_MESSAGE)

    assert isinstance(event, MessagePosted) and event.direct and event.chat_id == 918300


def test_unknown_fields_are_ignored() -> None:
    assert isinstance(pachca_event({**CHANNEL_MESSAGE, "files": [], "brand_new_field": {"x": 1}}), MessagePosted)


@pytest.mark.parametrize("payload", IGNORED, ids=lambda p: f"{p['type']}-{p['event']}")
def test_other_kinds_are_recognised_and_ignored(payload: dict[str, Any]) -> None:
    assert pachca_event(payload) is None


def test_a_button_click_and_a_form_submission() -> None:
    click = {"type": "button", "event": "click", "message_id": 1245817, "trigger_id": "a1b2c3d4", "data": "take:SD-1",
             "user_id": 2345, "chat_id": 9012, "webhook_timestamp": 1747574400}  # fmt: skip
    submit = {"type": "view", "event": "submit", "callback_id": "intake_form", "private_metadata": "{}",
              "chat_id": 9012, "user_id": 1235523, "data": {"topic": "access", "description": "Не могу войти в 1С"},
              "webhook_timestamp": 1755075544}  # fmt: skip

    assert pachca_event(click) == ButtonClicked(1245817, 9012, 2345, "take:SD-1", "a1b2c3d4")
    form = pachca_event(submit)
    assert isinstance(form, FormSubmitted)
    assert form.value("description") == "Не могу войти в 1С" and form.value("topic") == "access"


@pytest.mark.parametrize(
    "payload",
    [
        {k: v for k, v in CHANNEL_MESSAGE.items() if k != "id"},
        {**CHANNEL_MESSAGE, "user_id": "not a number"},
        {**CHANNEL_MESSAGE, "event": "update", "chat_id": None},
        {**CHANNEL_MESSAGE, "event": "update", "changed_at": "yesterday"},
        {k: v for k, v in CHANNEL_MESSAGE.items() if k != "created_at"} | {"event": "delete"},
        {"type": "button", "event": "click", "data": "x"},
    ],
)
def test_a_malformed_payload_of_a_handled_kind_is_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(Unreadable):
        pachca_event(payload)


def test_tracker_bodies_are_read_for_ids_only() -> None:
    body = {"type": "issueCommentEvent", "issue": {"key": "SERVICEDESK-42", "summary": "ignored"},
            "comment": {"id": 626, "text": "never trusted"}}  # fmt: skip

    assert source_of(body, tracker_header=False) is Source.TRACKER
    assert TRACKER_EVENTS.read(body, 0.0) == TrackerCommentAdded("SERVICEDESK-42", "626")
    with pytest.raises(Unreadable):
        TRACKER_EVENTS.read({"type": "issueCommentEvent", "issue": {"key": "SERVICEDESK-42"}}, 0.0)


def test_a_refusal_names_the_json_type_not_a_class_of_ours() -> None:
    with pytest.raises(Unreadable) as refused:
        pachca_event({**CHANNEL_MESSAGE, "thread": 7})

    assert str(refused.value) == "thread: should be an object"


@pytest.mark.parametrize(
    "body",
    [
        {"type": "issueCommentEvent", "issue": 7, "comment": {"id": "1"}},
        {"type": "issueStatusEvent", "issue": {"key": "not a key"}},
        {"type": "issueDeletedEvent", "issue": {"key": "SERVICEDESK-42"}},
        {"type": ["issueStatusEvent"], "issue": {"key": "SERVICEDESK-42"}},
        {"issue": {"key": "SERVICEDESK-42"}},
    ],
)
def test_a_tracker_body_outside_the_catalogue_or_without_its_issue_is_unreadable(body: dict[str, Any]) -> None:
    with pytest.raises(Unreadable):
        TRACKER_EVENTS.read(body, 0.0)


def test_a_status_body_is_never_read_as_a_comment_and_the_reverse() -> None:
    status = TRACKER_EVENTS.read({"type": "issueStatusEvent", "issue": {"key": "SERVICEDESK-42"}}, 5.0)
    assert status == TrackerStatusChanged("SERVICEDESK-42", 5.0)


def test_the_timer_body_is_recognised_by_its_event_type() -> None:
    timer = {"messages": [{"event_metadata": {"event_type": "yandex.cloud.events.serverless.triggers.TimerMessage"}}]}

    assert is_timer(timer)
    assert not is_timer({"messages": [{"event_metadata": {"event_type": "something.else"}}]})
    assert not is_timer(CHANNEL_MESSAGE)
