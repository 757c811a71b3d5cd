"""`servicedesk-bot setup` and `doctor`: the operator's commands (registered in `entrypoints.cli.main`)."""

from __future__ import annotations

import sys
from collections.abc import Mapping

import click
from dependency_injector import providers

from adapters.http.client import RetryPolicy
from application.admin.checks import CheckResult, Status, fail, ok
from application.admin.pachca_webhook import WebhookNotSet
from application.admin.setup import SetupIncomplete
from entrypoints.cli.common import configuration_failed
from entrypoints.cli.store_presence import AbsentStore, absent_store
from entrypoints.composition.bootstrap import build_container
from entrypoints.config.configuration import ConfigurationError, problem
from entrypoints.config.env_file import command_environment
from entrypoints.config.settings import DEFAULT_SERVE_STATE_URL, Settings, rule_for
from ports.errors import NotFound, PermanentFailure, TransientFailure

ONE_TRY = RetryPolicy(attempts=1)  # doctor reports a failing service at once instead of waiting for retries


@click.command()
@click.option("--dry-run", is_flag=True, help="Show what would be done and change nothing.")
def setup(dry_run: bool) -> None:
    """Point Tracker's triggers (with the queue's local fields) and the Pachca bot's webhook at PUBLIC_URL.

    Creates or updates the queue's local fields and the Tracker triggers that call PUBLIC_URL, and sets the Pachca
    bot's outgoing webhook to PUBLIC_URL with the bot's own token (scope bot_self:webhook:write). Idempotent."""
    sys.exit(run_setup(command_environment(), dry_run))


def run_setup(environ: Mapping[str, str], dry_run: bool = False) -> int:
    """`setup` in this configuration (deploy runs it with the function's URL as PUBLIC_URL): 0 done, 1 stopped by a
    service (what was done is printed, and running it again resumes); an incomplete configuration exits 2."""
    try:
        container = build_container(environ, DEFAULT_SERVE_STATE_URL, log_stream=sys.stderr)
    except ConfigurationError as e:
        configuration_failed(e)
    settings: Settings = container.settings()
    needed: tuple[tuple[str, str | None], ...] = (
        ("PUBLIC_URL", settings.public_url),
        ("TRACKER_WEBHOOK_SECRET", settings.secret("tracker_webhook_secret")),
    )
    if settings.polling:
        needed = ()  # poll mode: nothing calls the bridge, so no URL and no secret to give anyone
    missing = [problem(name, f"is not set; setup needs it: it {rule_for(name).must}") for name, v in needed if not v]
    if missing:
        configuration_failed(ConfigurationError(missing))
    scrub = container.outside.redactor()
    try:
        lines = container.admin.setup().execute(dry_run)
    except SetupIncomplete as e:
        _echo_all(e.done)
        hint = setup_hint(e.__cause__, settings)
        click.echo(scrub(f"setup stopped: {e}. {hint} Then run setup again: it resumes from there."), err=True)
        return 1
    _echo_all(lines)
    if settings.polling:  # nothing calls the bridge: the events are read from the bot's history instead
        click.echo("no Pachca webhook: DELIVERY=poll reads the bot's event history")
        return 0 if not dry_run else _dry_run_said()
    try:
        click.echo(container.admin.pachca_webhook().execute(dry_run))
    except WebhookNotSet as e:
        click.echo(scrub(f"setup stopped: {e}."), err=True)
        return 1
    if dry_run:
        click.echo("dry run: nothing was changed")
    return 0


def _dry_run_said() -> int:
    click.echo("dry run: nothing was changed")
    return 0


@click.command()
def doctor() -> None:
    """Check the configuration and every service the bridge depends on; exit 1 when a check fails."""
    try:
        container = build_container(command_environment(), DEFAULT_SERVE_STATE_URL, log_stream=sys.stderr)
    except ConfigurationError as e:
        _echo_all([render(result) for result in configuration_checks(e)])
        sys.exit(2)
    container.outside.retry_policy.override(ONE_TRY)
    absent = absent_store(container.state_url())
    if absent:  # the state check says so instead of creating it
        container.outside.state.override(providers.Object(AbsentStore(absent)))
    results = [configuration_ok(), *container.admin.doctor().execute()]
    scrub = container.outside.redactor()
    for result in results:
        click.echo(scrub(render(result)))
    sys.exit(1 if any(result.failed for result in results) else 0)


def setup_hint(error: BaseException | None, settings: Settings) -> str:
    """The variable behind a failed Tracker call, as doctor names it."""
    org = "TRACKER_ORG_ID" if settings.tracker_org_id else "TRACKER_CLOUD_ORG_ID"
    queue = f"TRACKER_QUEUE={settings.tracker_queue}"
    if isinstance(error, NotFound):
        return f"Check {queue}: the queue does not exist, or the robot cannot see it."
    if isinstance(error, PermanentFailure) and error.status == 401:
        return f"Check TRACKER_API_TOKEN (the robot's OAuth token) and {org}: Tracker refused them."
    if isinstance(error, PermanentFailure) and error.status == 403:
        return f"Check {org} and that the robot may administer the queue ({queue})."
    if isinstance(error, TransientFailure):
        return "Tracker did not answer: check TRACKER_API_URL and the network."
    return f"Check {queue}, TRACKER_API_TOKEN and {org}."


def configuration_checks(error: ConfigurationError) -> list[CheckResult]:
    """One failed check per variable at fault, in the same sentences every other command prints."""
    return [fail("configuration", found.text, "") for found in error.problems]


def configuration_ok() -> CheckResult:
    return ok("configuration", "every required variable is set")


def render(result: CheckResult) -> str:
    line = f"{result.status.value:<4} {result.check}: {result.detail}"
    return f"{line} — fix: {result.fix}" if result.fix and result.status is not Status.OK else line


def _echo_all(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
