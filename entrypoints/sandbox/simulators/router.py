"""Routes a call to its simulated API, meets it with the faults injected on its route, records it."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from entrypoints.sandbox.simulators.faults import Faults
from entrypoints.sandbox.simulators.http import Answer, Call, answer

Handler = Callable[..., Answer]
_PLACEHOLDER = re.compile(r"\{\w+\}")


@dataclass(frozen=True)
class ApiCall:
    route: str
    method: str
    path: str
    status: int
    at: float  # time.time() when it arrived
    ms: float
    retry_after: str | None = None


class Router:
    def __init__(self, routes: Sequence[tuple[str, Handler]], on_call: Callable[[ApiCall], None] | None) -> None:
        self.faults = Faults()
        self.on_call = on_call
        self.latency = 0.0  # a slow API: every answer waits this long
        self.arrivals: list[tuple[str, float]] = []  # every request: its route and when it came (monotonic)
        self.calls: list[ApiCall] = []  # every answered request
        self.unrouted: list[str] = []
        self._lock = threading.Lock()
        self._routes = [(n, h, re.compile(_PLACEHOLDER.sub("([^/]+)", n.split(" ", 1)[1]))) for n, h in routes]

    def handle(self, call: Call) -> Answer:
        started, at = time.monotonic(), time.time()
        route, handler, args = self._route(call)
        with self._lock:
            self.arrivals.append((route, started))
        time.sleep(self.latency)
        reply = self._answer(route, handler, call, args)
        ms = (time.monotonic() - started) * 1000
        done = ApiCall(route, call.method, call.path, reply.status, at, ms, reply.headers.get("Retry-After"))
        with self._lock:
            self.calls.append(done)
        if self.on_call is not None:
            self.on_call(done)
        return reply

    def _answer(self, route: str, handler: Handler, call: Call, args: tuple[str, ...]) -> Answer:
        fault = self.faults.take(route)
        if fault is None:
            return handler(call, *args)
        committed = handler(call, *args) if fault.commit else None
        fault.arrived.set()
        if fault.delay:
            fault.released.wait(fault.delay)
        if fault.status is not None:
            return fault.answer()
        return committed if committed is not None else handler(call, *args)

    def _route(self, call: Call) -> tuple[str, Handler, tuple[str, ...]]:
        for name, handler, pattern in self._routes:
            match = pattern.fullmatch(call.path)
            if name.startswith(call.method + " ") and match:
                return name, handler, match.groups()
        self.unrouted.append(f"{call.method} {call.path}")
        return "unrouted", lambda call: answer({"errorMessages": ["Not found"], "statusCode": 404}, 404), ()
