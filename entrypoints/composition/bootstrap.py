"""Builds a configured bridge for one kind of entrypoint."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TextIO

from entrypoints.composition.container import Container
from entrypoints.config.configuration import ConfigurationError, load_settings, problem
from entrypoints.config.logs import configure_logging

log = logging.getLogger("servicedesk.bootstrap")


def build_container(
    environ: Mapping[str, str],
    default_state_url: str,
    *,
    for_function: bool = False,
    password_provider: Callable[[], str | None] | None = None,
    log_stream: TextIO | None = None,
) -> Container:
    """Raises ConfigurationError naming every problem; connects to nothing."""
    settings = load_settings(environ)
    state_url = settings.state_url or default_state_url
    if for_function:
        refuse_memory_store(state_url)
    container = Container(settings=settings, state_url=state_url)
    configure_logging(
        settings.log_level, container.outside.redactor(), log_stream, settings.log_format, for_function=for_function
    )
    if for_function and state_url.startswith("sqlite:"):
        log.warning(
            "state lives in this instance's /tmp and dies with it: use STATE_URL=postgresql://... for a shared store",
            extra={"state": "sqlite"},
        )
    if password_provider is not None:
        container.outside.password_provider.override(password_provider)
    return container


def refuse_memory_store(state_url: str) -> None:
    """The function's state must outlive each invocation: `memory://` is for tests only."""
    if state_url.startswith("memory:"):
        why = "is memory://, which is for tests only: the function's state must outlive each invocation"
        raise ConfigurationError([problem("STATE_URL", why, "postgresql://bridge@<host>:6432/bridge")])
