"""What `setup` and `doctor` need from the outside: Tracker administration and read-only probes of each service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.people import Person
from domain.tickets import LinkField
from ports.state.outbox import OutboxStats, StoredEvent
from ports.state.upkeep import Footprint, HealthCheck
from ports.triggers import BridgeTrigger, Trigger


@dataclass(frozen=True)
class LocalField:
    id: str  # the full `<prefix>--<key>` id
    key: str


@dataclass(frozen=True)
class Queue:
    key: str
    name: str


@dataclass(frozen=True)
class TokenInfo:
    user_id: int
    scopes: tuple[str, ...] = ()  # empty when the token does not say


class StoreNotCreated(Exception):
    """The state store does not exist yet (nothing was ever stored): it is created on first use at `where`."""

    def __init__(self, where: str, writable: bool) -> None:
        super().__init__(f"not created yet: {where}")
        self.where = where
        self.writable = writable  # whether what creates it may create it there


@runtime_checkable
class TrackerAdmin(Protocol):
    """The issue tracker's queue settings: local fields and the triggers that call the bridge."""

    def myself(self) -> Person: ...

    def answer_shapes(self) -> Mapping[str, str]:
        """How the answers seen so far came where the vendor documents a one-element list, by call (`GET
        /v2/myself`: `an object` or `a one-element list`), for `doctor` to say."""
        ...

    def queue(self, key: str) -> Queue:
        """Raises NotFound when there is no such queue."""
        ...

    def local_fields(self, queue: str) -> list[LocalField]: ...

    def create_local_field(self, queue: str, spec: LinkField) -> LocalField: ...

    def triggers(self, queue: str) -> list[Trigger]: ...

    def create_trigger(self, queue: str, wanted: BridgeTrigger) -> Trigger: ...

    def update_trigger(self, queue: str, current: Trigger, wanted: BridgeTrigger) -> Trigger:
        """Replaces `current` (at its version) with `wanted`."""
        ...

    def trigger_differences(self, wanted: BridgeTrigger, actual: Trigger) -> list[str]:
        """What differs, by aspect: `active`, `conditions`, `endpoint`, `headers`, `body`, `webhook` (anything else
        of the call). What Tracker adds of its own (ids, links, defaults) is not a difference."""
        ...


@runtime_checkable
class MessengerAdmin(Protocol):
    """Read-only probes of the messenger's bot token."""

    def token_info(self) -> TokenInfo: ...

    def some_users(self, limit: int) -> list[Person]:
        """A first page of the workspace's people, as the bot sees them (e-mails may be hidden)."""
        ...


@runtime_checkable
class BotWebhook(Protocol):
    """The messenger bot's own outgoing webhook: where the messenger sends its events."""

    def set_webhook(self, url: str) -> str:
        """Points the bot's webhook at `url`; returns the URL the messenger now holds. A token without the right
        scope is a PermanentFailure with status 403."""
        ...


@runtime_checkable
class DirectoryAdmin(Protocol):
    def count_users(self) -> int:
        """Reads one small page of the directory; the organisation's number of people."""
        ...


@runtime_checkable
class StateProbe(HealthCheck, Protocol):
    def stats(self) -> OutboxStats: ...

    def footprint(self) -> Footprint: ...

    def dead(self, limit: int = 20) -> list[StoredEvent]: ...
