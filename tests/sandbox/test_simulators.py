"""The simulated APIs answer as the real ones do where the bridge can tell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from entrypoints.sandbox.simulators.pachca.ratelimit import SlidingWindow
from entrypoints.sandbox.simulators.people import IVAN
from entrypoints.sandbox.simulators.world import World

ISSUE = {"queue": "SERVICEDESK", "summary": "Принтер", "description": "Не печатает", "unique": "pachca-message-1"}


@pytest.fixture
def fired() -> list[dict[str, Any]]:
    """The triggers the simulated Tracker fired."""
    return []


@pytest.fixture
def world(fired: list[dict[str, Any]]) -> Iterator[World]:
    with World(limit=SlidingWindow(limit=2), on_trigger=fired.append).served() as served:
        yield served
    assert served.unrouted == []


def call(world: World, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, world.base_url + path, timeout=10, **kw)


def test_a_second_create_with_the_same_unique_is_409_and_find_by_unique_finds_the_first(world: World) -> None:
    assert call(world, "POST", "/tracker/v2/issues/", json=ISSUE).status_code == 201
    again = call(world, "POST", "/tracker/v2/issues/", json={**ISSUE, "summary": "другой"})
    assert again.status_code == 409
    found = call(world, "POST", "/tracker/v2/issues/_findByUnique", params={"unique": ISSUE["unique"]})
    assert found.json()["key"] == "SERVICEDESK-1" and found.json()["summary"] == "Принтер"


def test_transitions_follow_the_workflow_and_each_change_fires_the_status_trigger(
    world: World, fired: list[Any]
) -> None:
    call(world, "POST", "/tracker/v2/issues/", json=ISSUE)
    offered = call(world, "GET", "/tracker/v2/issues/SERVICEDESK-1/transitions").json()
    assert [t["id"] for t in offered] == ["start_progress", "close"]
    assert call(world, "POST", "/tracker/v2/issues/SERVICEDESK-1/transitions/close/_execute", json={}).ok
    refused = call(world, "POST", "/tracker/v2/issues/SERVICEDESK-1/transitions/close/_execute", json={})
    assert refused.status_code == 409
    assert call(world, "GET", "/tracker/v2/issues/SERVICEDESK-1").json()["status"]["key"] == "closed"
    assert fired == [{"type": "issueStatusEvent", "issue": {"key": "SERVICEDESK-1"}}]


def test_only_a_person_s_comment_without_an_internal_marker_fires_the_comment_trigger(
    world: World, fired: list[Any]
) -> None:
    call(world, "POST", "/tracker/v2/issues/", json=ISSUE)
    call(world, "POST", "/tracker/v2/issues/SERVICEDESK-1/comments", json={"text": "от робота"})
    world.comment_as(IVAN, "SERVICEDESK-1", "для своих #внутр")
    shown = world.comment_as(IVAN, "SERVICEDESK-1", "для автора")
    trigger = {"type": "issueCommentEvent", "issue": {"key": "SERVICEDESK-1"}, "comment": {"id": shown}}
    assert fired == [trigger]


def test_message_writes_over_the_chat_limit_are_429_with_retry_after_and_not_kept(world: World) -> None:
    message = {"message": {"entity_type": "discussion", "entity_id": 918264, "content": "текст"}}
    answers = [call(world, "POST", "/pachca/messages", json=message) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].headers["Retry-After"] == "1"
    assert len(world.posts) == 2 and world.pachca.rejected == 1


def test_a_thread_is_opened_once_and_an_edit_replaces_text_and_buttons(world: World) -> None:
    first = call(world, "POST", "/pachca/messages/5/thread").json()["data"]
    assert call(world, "POST", "/pachca/messages/5/thread").json()["data"] == first
    posted = call(
        world,
        "POST",
        "/pachca/messages",
        json={
            "message": {
                "entity_type": "thread",
                "entity_id": first["id"],
                "content": "карточка",
                "buttons": [[{"text": "Закрыть", "data": "close"}]],
            }
        },
    )
    message_id = posted.json()["data"]["id"]
    call(world, "PUT", f"/pachca/messages/{message_id}", json={"message": {"content": "закрыта", "buttons": []}})
    [post] = world.posts
    assert (post.chat_id, post.content, post.buttons, post.edits) == (first["chat_id"], "закрыта", [], 1)


def test_a_fault_on_a_service_prefix_hits_every_route_of_it_until_healed(world: World) -> None:
    world.inject("* /tracker/*", 503, times=None)
    assert call(world, "GET", "/tracker/v2/myself").status_code == 503
    assert call(world, "GET", "/pachca/oauth/token/info").status_code == 200
    world.heal("* /tracker/*")
    assert call(world, "GET", "/tracker/v2/myself").status_code == 200
