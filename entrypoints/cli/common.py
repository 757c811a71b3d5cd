"""What every `servicedesk-bot` command answers alike."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from entrypoints.config.configuration import ConfigurationError


def configuration_failed(error: ConfigurationError) -> NoReturn:
    """A bad configuration: each variable at fault, why, and a good value, on stderr; exit 2."""
    click.echo(error.explain(), err=True)
    sys.exit(2)
