"""`servicedesk-bot setup`, `doctor` and `package`: the operator's commands (registered in `entrypoints.cli`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from adapters.http import RetryPolicy
from application.checks import CheckResult, Status, fail, ok
from application.setup import SetupIncomplete
from entrypoints.bootstrap import build_container
from entrypoints.configuration import ConfigurationError
from entrypoints.packaging import DEFAULT_OUTPUT, build_package
from entrypoints.settings import DEFAULT_SERVE_STATE_URL, Settings

ONE_TRY = RetryPolicy(attempts=1)  # doctor reports a failing service at once instead of waiting for retries


@click.command()
@click.option("--dry-run", is_flag=True, help="Show what would be done and change nothing.")
def setup(dry_run: bool) -> None:
    """Create or update the queue's local fields and the Tracker triggers that call PUBLIC_URL."""
    try:
        container = build_container(os.environ, DEFAULT_SERVE_STATE_URL, log_stream=sys.stderr)
    except ConfigurationError as e:
        click.echo(f"{e}\nSet these environment variables (see README, «Configuration»).", err=True)
        sys.exit(2)
    settings: Settings = container.settings()
    needed = (
        ("PUBLIC_URL", settings.public_url),
        ("TRACKER_WEBHOOK_SECRET", settings.secret("tracker_webhook_secret")),
    )
    missing = [name for name, value in needed if not value]
    if missing:
        click.echo(f"setup needs {', '.join(missing)}: set them and run setup again.", err=True)
        sys.exit(2)
    scrub = container.redactor()
    try:
        lines = container.admin.setup().execute(dry_run)
    except SetupIncomplete as e:
        _echo_all(e.done)
        click.echo(scrub(f"setup stopped: {e}. Fix the cause and run setup again: it resumes from there."), err=True)
        sys.exit(1)
    _echo_all(lines)
    if dry_run:
        click.echo("dry run: nothing was changed")


@click.command()
def doctor() -> None:
    """Check the configuration and every service the bridge depends on; exit 1 when a check fails."""
    try:
        container = build_container(os.environ, DEFAULT_SERVE_STATE_URL, log_stream=sys.stderr)
    except ConfigurationError as e:
        click.echo(render(configuration_failed(e.names)))
        sys.exit(1)
    container.retry_policy.override(ONE_TRY)
    results = [configuration_ok(), *container.admin.doctor().execute()]
    scrub = container.redactor()
    for result in results:
        click.echo(scrub(render(result)))
    sys.exit(1 if any(result.failed for result in results) else 0)


@click.command()
@click.option(
    "--output",
    default=str(DEFAULT_OUTPUT),
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the archive.",
)
def package(output: Path) -> None:
    """Build the Yandex Cloud Functions archive (entry point index.handler)."""
    path = build_package(output)
    click.echo(f"{path} ({path.stat().st_size} bytes)")


def configuration_ok() -> CheckResult:
    return ok("configuration", "every required variable is set")


def configuration_failed(names: Sequence[str]) -> CheckResult:
    return fail(
        "configuration",
        "missing or invalid: " + ", ".join(names),
        "set these environment variables (see README, «Configuration»)",
    )


def render(result: CheckResult) -> str:
    line = f"{result.status.value:<4} {result.check}: {result.detail}"
    return f"{line} — fix: {result.fix}" if result.fix and result.status is not Status.OK else line


def _echo_all(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
