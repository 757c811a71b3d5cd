"""What every event the bridge acts on is: a plain value with a key that makes two deliveries the same event, stored
in the outbox as JSON and read back (`application.events.load_event`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = ""

    @property
    def key(self) -> str:
        """What makes two deliveries the same event."""
        raise NotImplementedError

    def dump(self) -> str:
        """ASCII, escapes and all: whatever text an event carries, every store can keep it."""
        return json.dumps(asdict(self))
