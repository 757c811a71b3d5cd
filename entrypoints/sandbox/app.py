"""Assembles the sandbox: the simulated world on its own loopback port, the real bridge built from settings that
point at it (same container, HTTP adapters, signatures, SQLite state in a temporary directory), the courier that
delivers the simulators' webhooks to the bridge, the outbox drained in the background as `serve` does."""

from __future__ import annotations

import secrets
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from entrypoints.composition.bootstrap import build_container
from entrypoints.composition.container import Container
from entrypoints.http.wsgi import make_wsgi_app
from entrypoints.sandbox.api import SandboxApi, routed
from entrypoints.sandbox.courier import Courier
from entrypoints.sandbox.scene import Scene, Secrets
from entrypoints.sandbox.simulators.http import WsgiApp
from entrypoints.sandbox.simulators.people import QUEUE
from entrypoints.sandbox.simulators.ratelimit import SlidingWindow
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
        api = SandboxApi(scene, timeline, partial(_outbox, container), urlsplit(bridge_url).hostname or "127.0.0.1")
        app = routed(api, make_wsgi_app(container.webhooks()))
        stop = threading.Event()
        stack.callback(stop.set)
        if polling:
            container.poller(drain_seconds=DRAIN_EVERY).start(stop)
        else:
            drainer = threading.Thread(target=_drain, args=(container, timeline, stop), name="sandbox-drainer")
            drainer.daemon = True
            drainer.start()
        yield app


def _outbox(container: Container) -> dict[str, int]:
    found = container.outside.state().stats()
    return {"pending": found.pending, "dead": found.dead}


def _drain(container: Container, timeline: Timeline, stop: threading.Event) -> None:
    """What the timer trigger does for the function, every few seconds (the outbox, then the recovery from the event
    history and Tracker); passes that did something are shown."""
    drain_pass = container.drain_pass()  # Tracker is searched every max(10, 3 × POLL_SECONDS) s of these passes
    while not stop.wait(DRAIN_EVERY):
        try:
            done, left = drain_pass.run()
        except Exception as e:  # shown, and the next pass tries again
            timeline.add("таймер → мост", "drain", None, 0.0, type(e).__name__)
            continue
        if done or left:
            timeline.add("таймер → мост", "drain", 200, 0.0, f"выполнено {done}, осталось {left}")
