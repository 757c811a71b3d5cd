"""The composition root's own checks: every event kind has a handler, every class it names by import path exists,
and the admin commands share its clients."""

from __future__ import annotations

import pytest
from dependency_injector import providers

from adapters.http.client import RetryPolicy
from application.events import EVENT_TYPES, MessagePosted
from entrypoints.composition.admin_container import admin_of
from entrypoints.composition.container import Container
from entrypoints.composition.lazy import Deferred, OnFirstCall
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

    doctor_tracker = admin_of(container).tracker_admin()

    assert doctor_tracker._client is container.outside.tracker_http()
    assert container.outside.tracker_http().policy.attempts == 1


def test_every_class_the_root_names_by_import_path_exists() -> None:
    everything = providers.traverse(*Container.providers.values())
    deferred = [d for d in (getattr(p, "provides", None) for p in everything) if isinstance(d, Deferred)]

    assert len(deferred) > 40  # the use cases, the services they share and the adapters
    assert all(callable(d.resolve()) for d in deferred)
    assert all(d.resolve().__name__ == d.path.rpartition(".")[2] for d in deferred)


def test_a_handler_builds_its_use_case_on_its_first_event_and_once() -> None:
    built: list[str] = []

    def build() -> object:
        built.append("use case")
        return type("UseCase", (), {"execute": staticmethod(lambda event: f"done {event}")})()

    handler = OnFirstCall(build, "execute")

    assert built == []
    assert [handler("a"), handler("b")] == ["done a", "done b"]
    assert built == ["use case"]
