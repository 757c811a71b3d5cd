"""JSON lines on stdout, with the event's ids as fields, and secrets scrubbed from whatever is logged."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from adapters.redaction import Redactor, SecretScrubber
from application.inbox import current_event

# the request being answered; with the inbox's current event, stamped on every log line written meanwhile
current_request: ContextVar[str | None] = ContextVar("current_request", default=None)


class EventContext(logging.Filter):
    """Adds `request_id` and `event_key` to every record, so one grep follows a request or an event."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in (("request_id", current_request), ("event_key", current_event)):
            value = var.get()
            if value and not getattr(record, name, None):
                setattr(record, name, value)
        return True


def configure_logging(level: str = "INFO", redactor: Redactor | None = None, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
    )
    handler.addFilter(EventContext())
    handler.addFilter(SecretScrubber(redactor or Redactor(())))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("urllib3", "waitress"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" on every burst
