"""Assembles the sandbox: the simulated world on its own loopback port, the real bridge built from settings that
point at it (same container, HTTP adapters, signatures, SQLite state in a temporary directory), the courier that
delivers the simulators' webhooks to the bridge, the outbox drained in the background as `serve` does."""

from __future__ import annotations

import math
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from entrypoints.composition.bootstrap import build_container
from entrypoints.composition.container import Container
from entrypoints.http.wsgi import make_wsgi_app
from entrypoints.sandbox.api import SandboxApi, routed
from entrypoints.sandbox.courier import Courier
from entrypoints.sandbox.scene import Scene, Secrets
from entrypoints.sandbox.simulators.http import WsgiApp
from entrypoints.sandbox.simulators.pachca.ratelimit import SlidingWindow
from entrypoints.sandbox.simulators.people import QUEUE
from entrypoints.sandbox.simulators.webhooks import AGENTS_CHAT, IT_CHAT, IT_QUEUE
from entrypoints.sandbox.simulators.world import World
from entrypoints.sandbox.timeline import Timeline
from entrypoints.sandbox.view import ADMIN_CHAT

DRAIN_EVERY = 3.0  # seconds: often enough to watch a queued event carried once the API is back
TOPICS = "Доступы;Оборудование;1С;Другое"


def bridge_env(world: World, state_dir: Path, web_url: str, keys: Secrets, polling: bool = False) -> dict[str, str]:
    return {
        **({"DELIVERY": "poll"} if polling else {}),
        **world.env(),
        "PACHKA_API_TOKEN": "sandbox-" + secrets.token_hex(8),
        "WEBHOOK_SECRET": keys.pachca,
        "TRACKER_API_TOKEN": "sandbox-" + secrets.token_hex(8),
        "TRACKER_ORG_ID": "7654321",
        "TRACKER_WEBHOOK_SECRET": keys.tracker,
        "TRACKER_QUEUE": QUEUE,
        "TRACKER_WEB_URL": web_url,
        "Y360_OAUTH": "sandbox-" + secrets.token_hex(8),
        "STATE_URL": f"sqlite:///{state_dir / 'state.db'}",
        "INTAKE_TOPICS": TOPICS,
        "AGENTS_CHAT_ID": str(AGENTS_CHAT),
        "CHAT_QUEUES": f"{IT_CHAT}:{IT_QUEUE}",
        "ADMIN_CHAT_ID": str(ADMIN_CHAT),
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def running(bridge_url: str, polling: bool = False) -> Iterator[WsgiApp]:
    """Everything but the front server; `bridge_url` is where that server will answer webhooks. `polling`: the
    bridge reads the events itself (`DELIVERY=poll`), nothing is delivered to it."""
    timeline = Timeline()
    keys = Secrets(secrets.token_hex(16), secrets.token_hex(16))
    with ExitStack() as stack:
        world = stack.enter_context(World(limit=SlidingWindow(), on_call=timeline.api_call).served())
        state_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="servicedesk-sandbox-")))
        env = bridge_env(world, state_dir, bridge_url.rstrip("/") + "/sandbox/tracker", keys, polling)
        container = build_container(env, env["STATE_URL"], log_stream=sys.stderr)
        courier = Courier(bridge_url, timeline)
        stack.callback(courier.stop)
        scene = Scene(world, courier, keys, polling)
        drainer = Drainer(container, timeline)
        host = urlsplit(bridge_url).hostname or "127.0.0.1"
        api = SandboxApi(scene, timeline, drainer.outbox, host, run=secrets.token_hex(8))
        app = routed(api, make_wsgi_app(container.webhooks()))
        stop = threading.Event()
        stack.callback(stop.set)
        if polling:
            container.poller(drain_seconds=DRAIN_EVERY).start(stop)
        else:
            threading.Thread(target=drainer.run, args=(stop,), name="sandbox-drainer", daemon=True).start()
        yield app


class Drainer:
    """What the timer trigger does for the function, every few seconds (the outbox, then the recovery from the event
    history and Tracker); passes that did something are shown, with the calls they made."""

    def __init__(self, container: Container, timeline: Timeline, every: float = DRAIN_EVERY) -> None:
        self.container = container
        self.timeline = timeline
        self.every = every
        self.next_pass = time.time() + every

    def run(self, stop: threading.Event) -> None:
        drain_pass = self.container.drain_pass()  # Tracker is searched every max(10, 3 × POLL_SECONDS) s of these
        while not stop.wait(max(0.0, self.next_pass - time.time())):
            with self.timeline.cause() as group:  # the calls of this pass are its own
                started, at = time.monotonic(), time.time()
                try:
                    done, left = drain_pass.run()
                except Exception as e:  # shown, and the next pass tries again
                    self.timeline.add("таймер → мост", "drain", None, 0.0, type(e).__name__, at, group=group)
                    done = left = 0
                else:
                    if done or left or self.timeline.has(group):
                        ms = (time.monotonic() - started) * 1000
                        note = f"выполнено {done}, осталось {left}"
                        self.timeline.add("таймер → мост", "drain", 200, ms, note, at, group=group)
            self.next_pass = time.time() + self.every

    def outbox(self) -> dict[str, Any]:
        """The counts, and for each waiting event when a pass will try it: the first pass at or after it is due."""
        state = self.container.outside.state()
        found, now = state.stats(), time.time()
        waiting = [
            {"kind": w.kind, "attempts": w.attempts, "next_try_in": math.ceil(self._tried_at(w.due_at) - now)}
            for w in state.waiting()
        ]
        return {"pending": found.pending, "dead": found.dead, "waiting": waiting}

    def _tried_at(self, due_at: float) -> float:
        passes = max(0.0, math.ceil((due_at - self.next_pass) / self.every))
        return self.next_pass + passes * self.every
