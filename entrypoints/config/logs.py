"""Log lines on stdout, with the event's ids as fields, and secrets scrubbed from whatever is logged or shown to an
operator (`Redactor`, `SecretScrubber`).

JSON lines in the function and whenever stdout is not a terminal (a log collector reads them); at a terminal one
readable line per record. `LOG_FORMAT=json|text` chooses. Times are ISO 8601 in UTC either way."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

from application.once.inbox import current_event

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


class UtcTimes:
    """`2026-11-30T15:32:47.123Z`: logging's own `formatTime`, told to read the time in UTC and how to write it."""

    converter = staticmethod(time.gmtime)
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format: str | None = "%s.%03dZ"


class UtcJson(UtcTimes, JsonFormatter):
    pass


class OneLine(UtcTimes, logging.Formatter):
    """`2026-11-30T15:32:47.123Z INFO  servicedesk.serve serving host=127.0.0.1 port=8080` at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={_plain(v)}" for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES)
        line = f"{self.formatTime(record)} {record.levelname:<5} {record.name} {record.getMessage()}"
        line = f"{line} {fields}" if fields else line
        return f"{line}\n{self.formatException(record.exc_info)}" if record.exc_info else line


STANDARD_ATTRIBUTES = {*vars(logging.makeLogRecord({})), "message", "asctime", "taskName"}


def _plain(value: Any) -> str:
    text = str(value)
    return repr(text) if not text or any(c.isspace() for c in text) else text


def choose_format(wanted: str | None, stream: TextIO, for_function: bool = False) -> str:
    if wanted:
        return wanted
    return "json" if for_function or not stream.isatty() else "text"


def configure_logging(
    level: str = "INFO",
    redactor: Redactor | None = None,
    stream: TextIO | None = None,
    log_format: str | None = None,
    for_function: bool = False,
) -> None:
    stream = stream or sys.stdout
    handler = logging.StreamHandler(stream)
    if choose_format(log_format, stream, for_function) == "text":
        handler.setFormatter(OneLine())
    else:
        handler.setFormatter(
            UtcJson(
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


REDACTED = "***"
SHORTEST_SECRET = 4  # a shorter value would blank out ordinary words and numbers


class Redactor:
    """Replaces each of the given secret values in a text."""

    def __init__(self, secrets: Iterable[str | None], shortest: int = SHORTEST_SECRET) -> None:
        self.secrets = tuple(secret for secret in secrets if secret and len(secret) >= shortest)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self.secrets)


class SecretScrubber(logging.Filter):
    """Replaces any configured secret value that reaches a log record, however it got there."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.redactor:
            return True
        record.msg = self.redactor(record.getMessage())
        record.args = None
        for name, value in list(record.__dict__.items()):
            if isinstance(value, str) and name not in ("msg", "levelname", "name"):
                setattr(record, name, self.redactor(value))
        return True
