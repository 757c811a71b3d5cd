"""What every `servicedesk-bot` command answers alike."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from entrypoints.config.configuration import ConfigurationError


def configuration_failed(error: ConfigurationError) -> NoReturn:
    """A bad configuration: each variable at fault, why, and a good value, on stderr; exit 2."""
    click.echo(error.explain(), err=True)
    sys.exit(2)


def other_port(port: int) -> str:
    """How to ask for another port, in the words of how this command was started (`make run` sets MAKE_RUN)."""
    option = f"--port {port + 1}"
    return f'make run ARGS="{option}"' if os.environ.get("MAKE_RUN") else option
