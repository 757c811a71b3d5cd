"""The composition root's own checks: every event kind has a handler, and the admin commands share its clients."""

from __future__ import annotations

import pytest

from adapters.http.client import RetryPolicy
from application.events import EVENT_TYPES, MessagePosted
from entrypoints.composition.wiring import every_kind_handled
from tests.conftest import make_bridge


def test_the_inbox_has_a_handler_for_every_event_kind() -> None:
    inbox = make_bridge().container.inbox()

    assert set(inbox.handlers) == set(EVENT_TYPES.values())
    assert all(inbox.handlers.values())


def test_a_kind_without_a_handler_is_refused_when_the_inbox_is_built() -> None:
    handlers = {cls: [lambda event: "done"] for cls in EVENT_TYPES.values() if cls is not MessagePosted}

    with pytest.raises(LookupError, match=MessagePosted.kind):
        every_kind_handled(handlers)


def test_the_admin_commands_use_the_roots_clients_and_its_retry_policy() -> None:
    container = make_bridge().container
    container.outside.retry_policy.override(RetryPolicy(attempts=1))

    doctor_tracker = container.admin.tracker_admin()

    assert doctor_tracker._client is container.outside.tracker_http()
    assert container.outside.tracker_http().policy.attempts == 1
