"""`servicedesk-bot setup` and `doctor`: the operator's commands (registered in `entrypoints.cli`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

import click
import requests
from pydantic import SecretStr

from adapters.http import HttpClient, RetryPolicy
from adapters.pachca import pachca_client
from adapters.pachca_admin import HttpMessengerAdmin
from adapters.tracker import tracker_client
from adapters.tracker_admin import HttpDirectoryAdmin, HttpTrackerAdmin
from adapters.y360 import y360_client
from application.doctor import CheckResult, Doctor, DoctorSettings, Status, configuration_failed, configuration_ok
from application.setup import SetupIncomplete, SetupTracker
from entrypoints.bootstrap import build_container
from entrypoints.container import Container
from entrypoints.settings import DEFAULT_SERVE_STATE_URL, ConfigurationError, Settings

REDACTED = "***"
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
    public_url, secret = settings.public_url, _secret(settings.tracker_webhook_secret)
    if not (public_url and secret):
        needed = (("PUBLIC_URL", public_url), ("TRACKER_WEBHOOK_SECRET", secret))
        missing = [name for name, value in needed if not value]
        click.echo(f"setup needs {', '.join(missing)}: set them and run setup again.", err=True)
        sys.exit(2)
    admin = HttpTrackerAdmin(_tracker_client(settings, container.session()))
    scrub = _scrubber(settings)
    try:
        lines = SetupTracker(admin, settings.tracker_queue, public_url, secret).execute(dry_run)
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
    settings: Settings = container.settings()
    results = [configuration_ok(), *_doctor(container, settings).execute()]
    scrub = _scrubber(settings)
    for result in results:
        click.echo(scrub(render(result)))
    sys.exit(1 if any(result.failed for result in results) else 0)


def render(result: CheckResult) -> str:
    line = f"{result.status.value:<4} {result.check}: {result.detail}"
    return f"{line} — fix: {result.fix}" if result.fix and result.status is not Status.OK else line


def _doctor(container: Container, settings: Settings) -> Doctor:
    session: requests.Session = container.session()
    messenger = HttpMessengerAdmin(
        pachca_client(session, settings.pachca_api_url, _secret(settings.pachca_api_token), policy=ONE_TRY)
    )
    directory = None
    if settings.directory_configured:
        client = y360_client(session, settings.y360_api_url, _secret(settings.y360_oauth), policy=ONE_TRY)
        directory = HttpDirectoryAdmin(client, str(settings.y360_org_id))
    return Doctor(
        messenger=messenger,
        tracker=HttpTrackerAdmin(_tracker_client(settings, session, policy=ONE_TRY)),
        directory=directory,
        open_state=container.state,
        settings=DoctorSettings(
            queue=settings.tracker_queue,
            bot_user_id=settings.bot_user_id,
            public_url=settings.public_url,
            tracker_webhook_secret=_secret(settings.tracker_webhook_secret) or None,
            email_domain=settings.pachca_email_domain,
        ),
    )


def _tracker_client(settings: Settings, session: requests.Session, policy: RetryPolicy | None = None) -> HttpClient:
    return tracker_client(
        session,
        settings.tracker_base_url,
        _secret(settings.tracker_api_token),
        org_id=settings.tracker_org_id,
        cloud_org_id=settings.tracker_cloud_org_id,
        policy=policy,
    )


def _secret(value: SecretStr | None) -> str:
    return "" if value is None else value.get_secret_value()


def _scrubber(settings: Settings) -> Callable[[str], str]:
    """Whatever a service echoed back, no configured secret reaches the terminal."""
    values = [
        settings.pachca_api_token,
        settings.webhook_secret,
        settings.tracker_api_token,
        settings.tracker_webhook_secret,
        settings.y360_oauth,
    ]
    secrets = [_secret(value) for value in values]
    secrets.append(urlsplit(settings.state_url or "").password or "")
    secrets = [secret for secret in secrets if len(secret) >= 4]

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, REDACTED)
        return text

    return scrub


def _echo_all(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
