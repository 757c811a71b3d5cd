"""`servicedesk-bot package` and `deploy`: what a deployment needs, built on this machine, and applied with `yc`."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click
import requests

from entrypoints.cli.admin import run_setup
from entrypoints.cli.common import configuration_failed
from entrypoints.cli.deploy.apply import Deployment
from entrypoints.cli.deploy.archive import DEFAULT_OUTPUT, build_package
from entrypoints.cli.deploy.bytecode import (
    RUNTIME_VERSION,
    Interpreter,
    InterpreterError,
    find_runtime_interpreter,
    interpreter,
)
from entrypoints.cli.deploy.plan import RUNTIME, Configuration, Target, deployable
from entrypoints.cli.deploy.script import render_script
from entrypoints.cli.deploy.yc import Yc, YcFailed, YcMissing
from entrypoints.config.configuration import ConfigurationError
from entrypoints.config.env_file import command_environment, remember_public_url

HEALTH_WAIT = 60.0  # seconds deploy waits for the new function to answer its health URL


@click.command()
@click.option(
    "--output",
    default=str(DEFAULT_OUTPUT),
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the archive.",
)
@click.option(
    "--python",
    "python_path",
    metavar="PATH",
    help="The interpreter whose bytecode goes into the archive (its version must be the runtime's). "
    f"Default: a Python {RUNTIME_VERSION[0]}.{RUNTIME_VERSION[1]} when one is found.",
)
def package(output: Path, python_path: str | None) -> None:
    """Build the Yandex Cloud Functions archive (entry point index.handler), with bytecode for its runtime."""
    python = _interpreter(python_path)
    try:
        path = build_package(output, python=python)
    except OSError as e:  # a full disk, a read-only folder: one line, not a traceback
        click.echo(f"package: cannot write {e.filename or output}: {e.strerror or e}", err=True)
        sys.exit(1)
    click.echo(f"{path} ({path.stat().st_size} bytes)")
    click.echo(_runtime_note(python))


def _interpreter(path: str | None) -> Interpreter | None:
    if path is None:
        return find_runtime_interpreter()
    try:
        return interpreter(path)
    except InterpreterError as e:
        click.echo(f"--python: {e}", err=True)
        sys.exit(2)


def _runtime_note(python: Interpreter | None) -> str:
    if python is None:
        return (
            f"source only: no Python {RUNTIME_VERSION[0]}.{RUNTIME_VERSION[1]} found (give one with --python); any "
            f"runtime runs it, compiling on every cold start. Deploy it with runtime {RUNTIME}."
        )
    version = "{}.{}".format(*python.version)
    note = f"bytecode by Python {version} ({python.path}): the archive matches runtime {python.runtime}"
    if python.runtime != RUNTIME:
        note += f"; the function's runtime is {RUNTIME}, which would ignore it"
    return note


@click.command()
@click.option("--dry-run", is_flag=True, help="Print what would be created or updated, and change nothing.")
@click.option("--no-check", is_flag=True, help="Do not wait for the function's health URL to answer 200.")
@click.option("--print", "print_", is_flag=True, help="Print the equivalent shell script instead (runs nothing).")
@click.option("--folder-id", default="", help="Yandex Cloud folder id. Default: the folder `yc init` chose.")
@click.option("--function-name", default=Target.function, show_default=True)
@click.option("--service-account", default=Target.service_account, show_default=True, help="Its name.")
@click.option("--secret-name", default=Target.secret_name, show_default=True, help="The Lockbox secret's name.")
@click.option("--archive", default=str(DEFAULT_OUTPUT), show_default=True, help="Where the archive is built.")
@click.option(
    "--postgres-cluster", default="", help="--print only: a Managed PostgreSQL cluster to open to Cloud Functions."
)
def deploy(dry_run: bool, no_check: bool, print_: bool, **names: str) -> None:
    """Deploy the function to Yandex Cloud with the `yc` CLI, then run setup against it.

    After `yc init`: the service account, the Lockbox secret, the function and a new version, public invocation and
    the timer trigger; then setup against the function's URL (Tracker triggers, the Pachca bot's webhook) and a
    health check. Finds each resource by name or creates it; prints created, updated or unchanged for each, then
    the URL. A second run creates nothing. Secrets reach yc only as the Lockbox payload on stdin."""
    names["function"] = names.pop("function_name")
    target = Target(**names)
    environ = command_environment()
    yc = None if print_ else _yc(target.folder_id)
    try:
        configuration = deployable(environ)
    except ConfigurationError as e:
        configuration_failed(e)
    if print_ or yc is None:
        click.echo(render_script(configuration, target), nl=False)
        return
    scrub = _scrubber(configuration)
    try:
        outcome = Deployment(yc, target, configuration, lambda: _build(target), click.echo, dry_run).apply()
    except YcFailed as e:
        click.echo(scrub(f"deploy stopped: {e}. Fix that and run deploy again: it resumes from there."), err=True)
        sys.exit(1)
    url = outcome.function_url
    if dry_run:
        click.echo(f"would run setup with PUBLIC_URL={url} (Tracker triggers, the Pachca bot's webhook)")
        click.echo("dry run: nothing was changed")
        click.echo(f"function URL: {url}")
        return
    remembered = remember_public_url(url)
    if remembered:
        click.echo(f"PUBLIC_URL={url} written to {remembered}")
    setup_code = run_setup({k: v for k, v in environ.items() if k != "STATE_URL"} | {"PUBLIC_URL": url})
    healthy = no_check or _healthy(url, target)
    click.echo(f"function URL: {url}")
    sys.exit(0 if setup_code == 0 and healthy else 1)


def _yc(folder_id: str) -> Yc:
    try:
        return Yc.found(folder_id)
    except YcMissing as e:
        _refuse(f"{e}")


def _refuse(text: str) -> NoReturn:
    click.echo(f"deploy: {text}", err=True)
    sys.exit(2)


def _build(target: Target) -> Path:
    python = find_runtime_interpreter()
    path = build_package(Path(target.archive), python=python)
    click.echo(f"{'built':<14}{path} ({path.stat().st_size} bytes): {_runtime_note(python)}")
    return path


def _healthy(url: str, target: Target) -> bool:
    ok, last = wait_healthy(url, HEALTH_WAIT)
    if ok:
        click.echo(f"{'healthy':<14}{url} answers 200")
        return True
    click.echo(
        f"the function did not answer 200 within {HEALTH_WAIT:.0f} s (last: {last}). Look at its logs: "
        f"yc serverless function logs --name {target.function}; a 503 that names variables means they are missing "
        "or wrong in servicedesk.env (run servicedesk-bot doctor), a 503 about the store means STATE_URL cannot be "
        "reached from the function (docs/cloud-functions.md, «Networks and PostgreSQL»).",
        err=True,
    )
    return False


def wait_healthy(url: str, wait: float, every: float = 2.0) -> tuple[bool, str]:
    """Asks the health URL (GET) until it answers 200 or `wait` seconds pass; the last answer otherwise."""
    deadline = time.monotonic() + wait
    last = "no answer"
    while True:
        try:
            answer = requests.get(url, timeout=10)
            if answer.status_code == 200:
                return True, ""
            last = f"{answer.status_code} {answer.text[:200]}"
        except requests.RequestException as e:
            last = type(e).__name__
        if time.monotonic() + every > deadline:
            return False, last
        time.sleep(every)


def _scrubber(configuration: Configuration) -> Callable[[str], str]:
    hidden = [value for value in configuration.lockbox.values() if len(value) >= 4]

    def scrub(text: str) -> str:
        for value in hidden:
            text = text.replace(value, "***")
        return text

    return scrub
