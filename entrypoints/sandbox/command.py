"""`servicedesk-bot sandbox`: started as a user expects. It prints the page's URL first, opens a browser when
there is a display, stops cleanly on Ctrl-C, and says in one line when the port is taken (exit 1)."""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import webbrowser
from typing import Any

import click

from entrypoints.cli.common import other_port
from entrypoints.sandbox.simulators.http import StartResponse, WsgiApp

THREADS = 16


class _Later:
    """The front server binds its port first (a taken port is refused before anything starts); the app follows."""

    app: WsgiApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free port")
@click.option("--no-browser", is_flag=True, help="do not open the page in a browser")
@click.option("--poll", is_flag=True, help="the bridge reads the events itself (DELIVERY=poll): no webhook, no trigger")
def sandbox(host: str, port: int, no_browser: bool, poll: bool) -> None:
    """The real bridge wired to simulated Pachca, Tracker and Yandex 360, and a page that plays both sides."""
    from entrypoints.sandbox.app import running  # the simulators load only for this command

    later = _Later()
    server = _listen(later, host, port)
    url = f"http://{host}:{server.effective_port}/"
    click.echo(f"Sandbox: the bridge with simulated Pachca, Tracker and Yandex 360 (no tokens, no network): {url}")
    click.echo("Press Ctrl-C to stop.")
    with running(url, poll) as app:
        later.app = app
        if not no_browser and _has_display():
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        _run(server)
    click.echo("Sandbox stopped.")


def _listen(app: WsgiApp, host: str, port: int) -> Any:
    """The front server, bound; a port it cannot have is one line and exit 1."""
    import waitress.server

    try:
        return waitress.server.create_server(app, host=host, port=port, threads=THREADS, ident="servicedesk-bot")
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            click.echo(f"sandbox: port {port} on {host} is taken; try {other_port(port)}", err=True)
        else:
            click.echo(f"sandbox: cannot listen on {host}:{port} ({e.strerror})", err=True)
        sys.exit(1)


def _run(server: Any) -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()  # returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a polite stop (kill, a supervisor) ends as Ctrl-C does


def _has_display() -> bool:
    return sys.platform == "darwin" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
