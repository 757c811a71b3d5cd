"""What `setup` and `doctor` need from the outside: Tracker administration and read-only probes of each service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

from domain.model import Person
from ports.state import HealthCheck, OutboxStats, StoredEvent


@dataclass(frozen=True)
class LocalFieldSpec:
    key: str
    name_en: str
    name_ru: str
    description: str = ""


@dataclass(frozen=True)
class LocalField:
    id: str  # the full `<prefix>--<key>` id
    key: str


class TriggerKind(Enum):
    """The two Tracker events the bridge listens to; the value is the trigger's name in the queue."""

    COMMENT = "pachca-bridge: comment created"
    STATUS = "pachca-bridge: status changed"


@dataclass(frozen=True)
class BridgeTrigger:
    """A trigger as the bridge wants it: on which event it calls `endpoint` with `secret`, and whose comments (the
    robot's own) it skips. How Tracker spells that is the adapter's business (see docs/tracker.md)."""

    kind: TriggerKind
    endpoint: str
    secret: str
    robot_login: str
    active: bool = True

    @property
    def name(self) -> str:
        return self.kind.value


@dataclass(frozen=True)
class Trigger:
    """A trigger as Tracker stores it; the adapter may keep more of it, to compare it with a BridgeTrigger."""

    id: str
    version: int
    name: str
    active: bool

    @property
    def endpoint(self) -> str:
        """The URL it calls, or "" when it calls none."""
        return ""


@dataclass(frozen=True)
class Queue:
    key: str
    name: str


@dataclass(frozen=True)
class TokenInfo:
    user_id: int
    scopes: tuple[str, ...] = ()  # empty when the token does not say


@runtime_checkable
class TrackerAdmin(Protocol):
    """The issue tracker's queue settings: local fields and the triggers that call the bridge."""

    def myself(self) -> Person: ...

    def queue(self, key: str) -> Queue:
        """Raises NotFound when there is no such queue."""
        ...

    def local_fields(self, queue: str) -> list[LocalField]: ...

    def create_local_field(self, queue: str, spec: LocalFieldSpec) -> LocalField: ...

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
class DirectoryAdmin(Protocol):
    def count_users(self) -> int:
        """Reads one small page of the directory; the organisation's number of people."""
        ...


@runtime_checkable
class StateProbe(HealthCheck, Protocol):
    def stats(self) -> OutboxStats: ...

    def dead(self, limit: int = 20) -> list[StoredEvent]: ...
