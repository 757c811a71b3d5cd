"""`servicedesk-bot`: serve, drain, doctor, setup, package."""

from __future__ import annotations

import json
import os
import sys
from typing import TextIO

import click

from entrypoints.bootstrap import build_container
from entrypoints.container import Container
from entrypoints.settings import DEFAULT_SERVE_STATE_URL, ConfigurationError


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
def serve(host: str, port: int, threads: int) -> None:
    """Serve webhooks over HTTP (same handling as the function) with waitress."""
    import waitress

    from entrypoints.wsgi import make_wsgi_app

    app = make_wsgi_app(_container().webhooks())
    click.echo(json.dumps({"level": "INFO", "message": "serving", "host": host, "port": port}), err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="servicedesk-bot")


@main.command()
def drain() -> None:
    """Run one pass of the retry outbox (what the timer trigger does)."""
    done, left = _container(sys.stderr).inbox().drain()
    click.echo(json.dumps({"ok": True, "outcome": "drained", "done": done, "left": left}))


from entrypoints.admin_cli import doctor, package, setup  # noqa: E402 - registered after the group exists

main.add_command(setup)
main.add_command(doctor)
main.add_command(package)
