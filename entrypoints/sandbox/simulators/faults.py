"""Faults injected per route: an error status (with `Retry-After`), an answer held back (slow, or longer than the
client waits: a timeout), the effect committed before the fault ("commit then fail") or not at all."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from entrypoints.sandbox.simulators.http import Answer


@dataclass
class Fault:
    """What the next `times` requests on a route get instead of a plain answer (`times=None`: until healed)."""

    status: int | None = None
    retry_after: float | None = None
    commit: bool = False  # apply the request's effect before failing or stalling
    delay: float = 0.0  # hold the answer this long, or until released: longer than the client waits is a timeout
    times: int | None = 1
    hits: int = 0
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def answer(self) -> Answer:
        headers = {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}
        return Answer(self.status or 500, {"error": "injected fault", "status": self.status}, headers)


class Faults:
    """Requests on a route meet the faults queued there in order, then plain answers. A route may be a prefix
    ending in `*` (`"* /tracker/*"`): it matches every route of that service."""

    def __init__(self) -> None:
        self.injected = 0
        self._queues: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def add(self, route: str, fault: Fault) -> Fault:
        with self._lock:
            self._queues.setdefault(route, []).append(fault)
        return fault

    def heal(self, route: str | None = None) -> None:
        """Ends the faults on `route` (every fault when None); held answers are let go."""
        with self._lock:
            if route is None:
                ended, self._queues = list(self._queues.values()), {}
            else:
                ended = [self._queues.pop(route, [])]
        for fault in itertools.chain.from_iterable(ended):
            fault.released.set()

    def active(self) -> set[str]:
        with self._lock:
            return {route for route, queue in self._queues.items() if queue}

    def take(self, route: str) -> Fault | None:
        with self._lock:
            name = next((n for n in self._queues if self._queues[n] and _matches(n, route)), None)
            if name is None:
                return None
            queue = self._queues[name]
            fault = queue[0]
            fault.hits += 1
            self.injected += 1
            if fault.times is not None and fault.hits >= fault.times:
                queue.pop(0)
            return fault


def _matches(name: str, route: str) -> bool:
    if name == route:
        return True
    method, _, path = name.partition(" ")
    route_method, _, route_path = route.partition(" ")
    return name.endswith("*") and method in ("*", route_method) and route_path.startswith(path[:-1])
