"""`servicedesk-bot package` and `deploy --print`: what a deployment needs, built on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from entrypoints.cli.bytecode import (
    RUNTIME_VERSION,
    Interpreter,
    InterpreterError,
    find_runtime_interpreter,
    interpreter,
)
from entrypoints.cli.common import configuration_failed
from entrypoints.cli.deploy import RUNTIME, Target, render_script
from entrypoints.cli.packaging import DEFAULT_OUTPUT, build_package
from entrypoints.composition.bootstrap import refuse_memory_store
from entrypoints.config.configuration import ConfigurationError, load_settings


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
@click.option("--print", "print_", is_flag=True, help="Print the deploy script (the only mode: nothing is run).")
@click.option("--folder-id", default="", help="Yandex Cloud folder id. Default: $FOLDER_ID when the script runs.")
@click.option("--function-name", default=Target.function, show_default=True)
@click.option("--service-account", default=Target.service_account, show_default=True, help="Its name.")
@click.option("--secret-name", default=Target.secret_name, show_default=True, help="The Lockbox secret to create.")
@click.option("--secret-id", default="", help="An existing Lockbox secret to use instead of creating one.")
@click.option("--archive", default=str(DEFAULT_OUTPUT), show_default=True, help="The archive `package` built.")
@click.option("--postgres-cluster", default="", help="A Managed PostgreSQL cluster to reach with serverless access.")
def deploy(print_: bool, **target: str) -> None:
    """Write the `yc` commands that deploy the function, with this configuration's values filled in.

    Secret values are never printed: the script reads them from its own environment when it runs."""
    if not print_:
        click.echo("deploy only prints the commands for you to read and run: servicedesk-bot deploy --print", err=True)
        sys.exit(2)
    try:  # the script deploys this configuration: an incomplete one would deploy a function that answers 503
        refuse_memory_store(load_settings(os.environ, here=False).state_url or "")
    except ConfigurationError as e:
        configuration_failed(e)
    target["function"] = target.pop("function_name")
    click.echo(render_script(os.environ, Target(**target)), nl=False)
