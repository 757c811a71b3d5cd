"""`servicedesk-bot`: serve, drain, init, doctor, setup, package, deploy, sandbox."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import TextIO

import click

from application.once.recovery import DrainPass
from entrypoints.cli.common import configuration_failed, other_port
from entrypoints.cli.startup_warnings import turned_off
from entrypoints.cli.store_presence import absent_store
from entrypoints.composition.bootstrap import build_container
from entrypoints.composition.container import Container
from entrypoints.config.configuration import ConfigurationError, did_you_mean, near_misses
from entrypoints.config.env_file import command_environment
from entrypoints.config.settings import DEFAULT_SERVE_STATE_URL
from ports.errors import StateUnavailable

log = logging.getLogger("servicedesk.serve")


def _container(log_stream: TextIO | None = None, poll: bool = False) -> Container:
    """Logs go to stdout for `serve`; other commands keep stdout for their own output. `poll`: `serve --poll`,
    which is `DELIVERY=poll`."""
    environ = command_environment() | ({"DELIVERY": "poll"} if poll else {})
    try:
        return build_container(environ, DEFAULT_SERVE_STATE_URL, log_stream=log_stream)
    except ConfigurationError as e:
        configuration_failed(e)


# -h as well as --help on every command; wide enough that no command's description is cut short
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 120, "terminal_width": 120}


@click.group(context_settings=CONTEXT)
@click.version_option(
    package_name="servicedesk-pachca-bot", prog_name="servicedesk-bot", message="%(prog)s %(version)s"
)
def main() -> None:
    """The Pachca ⇄ Yandex Tracker service desk bridge.

    Every command exits 0 when done, 1 when a check or a run failed, 2 when the configuration is incomplete or
    invalid. The configuration is read from environment variables (README, «Configuration»)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--drain-every", default=30.0, show_default=True, type=float, help="seconds between outbox passes; 0 turns it off"
)
@click.option(
    "--poll", is_flag=True, help="also read the events itself (DELIVERY=poll): no public URL, secret or trigger needed"
)
def serve(host: str, port: int, threads: int, drain_every: float, poll: bool) -> None:
    """Serve webhooks over HTTP (same handling as the function) with waitress."""
    from entrypoints.http.server import create_server
    from entrypoints.http.wsgi import make_wsgi_app

    container = _container(poll=poll)
    app = make_wsgi_app(container.webhooks())
    try:
        server = create_server(app, host, port, threads)
    except OSError as e:  # a busy port, a host not on this machine: one line, not a traceback
        click.echo(
            f"serve: cannot listen on {host}:{port}: {e.strerror or e}. Stop what uses it or pick another port: "
            f"{other_port(port)}",
            err=True,
        )
        sys.exit(1)
    settings = container.settings()
    if settings.polling:
        container.poller(drain_seconds=drain_every if drain_every > 0 else 30.0).start()
    elif drain_every > 0:
        start_drainer(container.drain_pass(), drain_every)
    for variable, consequence in turned_off(settings):
        log.warning(consequence, extra={"variable": variable})
    for given, meant in near_misses(command_environment()).items():
        log.warning(did_you_mean(given, meant), extra={"variable": given})
    log.info(
        "serving",
        extra={"host": host, "port": port, "drain_every": drain_every, "delivery": settings.delivery},
    )
    server.run()


def start_drainer(drain_pass: DrainPass, every: float) -> threading.Thread:
    """What the timer trigger does for the function: queued events are retried, and what nobody delivered is
    recovered, while the server runs."""

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                done, left = drain_pass.run()
                if done or left:
                    log.info("drained", extra={"done": done, "left": left})
            except Exception:
                log.exception("drain failed")

    thread = threading.Thread(target=loop, name="outbox-drainer", daemon=True)
    thread.start()
    return thread


@main.command()
def drain() -> None:
    """Run one pass of the retry outbox and of the recovery (what the timer trigger does)."""
    container = _container(sys.stderr)
    absent = absent_store(container.state_url())
    if absent and not absent.path.parent.is_dir():  # a path that cannot be right: a failed run
        click.echo(f"drain: {absent.said_by('drain')}. Check STATE_URL.", err=True)
        sys.exit(1)
    if absent:  # nothing was ever stored, so nothing waits: a pass with nothing to do, and why, in one answer
        note = f"{absent.said_by('drain')}; nothing was ever queued"
        click.echo(json.dumps({"ok": True, "outcome": "drained", "done": 0, "left": 0, "note": note}))
        return
    try:
        done, left = container.drain_pass().run()
    except StateUnavailable as e:
        click.echo(f"drain: the state store cannot be used: {e}. Check STATE_URL.", err=True)
        sys.exit(1)
    click.echo(json.dumps({"ok": True, "outcome": "drained", "done": done, "left": left}))


from entrypoints.cli.admin import doctor, setup  # noqa: E402 - registered after the group exists
from entrypoints.cli.deploy.commands import deploy, package  # noqa: E402
from entrypoints.cli.init import init  # noqa: E402
from entrypoints.sandbox.command import sandbox  # noqa: E402

main.add_command(sandbox)
main.add_command(init)
main.add_command(setup)
main.add_command(doctor)
main.add_command(package)
main.add_command(deploy)
