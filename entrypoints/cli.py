"""`servicedesk-bot`: serve, drain, doctor, setup, package."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from typing import TextIO

import click

from application.inbox import Inbox
from entrypoints.bootstrap import build_container
from entrypoints.configuration import ConfigurationError
from entrypoints.container import Container
from entrypoints.settings import DEFAULT_SERVE_STATE_URL

log = logging.getLogger("servicedesk.serve")


def _container(log_stream: TextIO | None = None) -> Container:
    """Logs go to stdout for `serve`; other commands keep stdout for their own output."""
    try:
        return build_container(os.environ, DEFAULT_SERVE_STATE_URL, log_stream=log_stream)
    except ConfigurationError as e:
        click.echo(f"{e}\nSet these environment variables (see README, «Configuration»).", err=True)
        sys.exit(2)


@click.group()
def main() -> None:
    """The Pachca ⇄ Yandex Tracker service desk bridge."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--drain-every", default=30.0, show_default=True, type=float, help="seconds between outbox passes; 0 turns it off"
)
def serve(host: str, port: int, threads: int, drain_every: float) -> None:
    """Serve webhooks over HTTP (same handling as the function) with waitress."""
    from entrypoints.server import create_server
    from entrypoints.wsgi import make_wsgi_app

    container = _container()
    app = make_wsgi_app(container.webhooks())
    if drain_every > 0:
        start_drainer(container.inbox(), drain_every)
    log.info("serving", extra={"host": host, "port": port, "drain_every": drain_every})
    create_server(app, host, port, threads).run()


def start_drainer(inbox: Inbox, every: float) -> threading.Thread:
    """What the timer trigger does for the function: queued events are retried while the server runs."""

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                done, left = inbox.drain()
                if done or left:
                    log.info("drained", extra={"done": done, "left": left})
            except Exception:
                log.exception("drain failed")

    thread = threading.Thread(target=loop, name="outbox-drainer", daemon=True)
    thread.start()
    return thread


@main.command()
def drain() -> None:
    """Run one pass of the retry outbox (what the timer trigger does)."""
    done, left = _container(sys.stderr).inbox().drain()
    click.echo(json.dumps({"ok": True, "outcome": "drained", "done": done, "left": left}))


from entrypoints.admin_cli import doctor, package, setup  # noqa: E402 - registered after the group exists

main.add_command(setup)
main.add_command(doctor)
main.add_command(package)
