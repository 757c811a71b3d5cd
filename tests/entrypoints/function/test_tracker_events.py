"""Tracker's events through `index.handler`, as the simulated Tracker fires the trigger bodies `setup` configures."""

from __future__ import annotations

import json
from typing import Any

from entrypoints.sandbox.simulators.people import PEOPLE
from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed, tracker_headers
from tests.entrypoints.conftest import call_function


def test_an_assignee_change_in_tracker_is_told_in_the_thread_once(function_env: dict[str, str], apis: World) -> None:
    """The catalogue's third kind, end to end: the simulated Tracker fires the trigger body `setup` configures."""
    fired: list[dict[str, Any]] = []
    apis.tracker.on_trigger = fired.append
    assert call_function("POST", *signed(pachca_body(56431))).body["outcome"] == "created"
    key = apis.issue_of(56431).key
    oleg = PEOPLE[0]

    apis.tracker.assign(key, oleg.uid, uid=PEOPLE[1].uid)
    answers = [call_function("POST", json.dumps(fired[-1]).encode(), tracker_headers()) for _ in range(2)]

    assert [(a.status, a.body["outcome"]) for a in answers] == [(200, "told"), (200, "duplicate")]
    thread = apis.thread_of(56431)
    told = [p.content for p in apis.posts_in(thread) if p.content.startswith("Заявку взял")]
    assert told == [f"Заявку взял в работу {oleg.display_name}"]
