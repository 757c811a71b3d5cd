"""Logs: JSON lines in the function and whenever stdout is not a terminal, one readable line at a terminal,
`LOG_FORMAT` choosing; ISO 8601 UTC times; no bare epoch seconds in fields or event keys."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.tracker_events import TrackerStatusChanged
from entrypoints.config.logs import choose_format, configure_logging
from tests.conftest import TEST_ENV

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SCRIPT = str(Path(sys.executable).parent / "servicedesk-bot")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_the_format_follows_the_terminal_unless_chosen() -> None:
    assert choose_format(None, Tty()) == "text"
    assert choose_format(None, io.StringIO()) == "json"
    assert choose_format(None, Tty(), for_function=True) == "json"
    assert choose_format("json", Tty()) == "json" and choose_format("text", io.StringIO()) == "text"


def test_a_text_line_is_one_readable_line_with_its_fields() -> None:
    stream = Tty()
    configure_logging("INFO", stream=stream)

    logging.getLogger("servicedesk.serve").info("serving", extra={"host": "127.0.0.1", "port": 8080})

    [line] = stream.getvalue().splitlines()
    stamp, level, logger, rest = line.split(maxsplit=3)
    assert ISO_UTC.match(stamp) and (level, logger) == ("INFO", "servicedesk.serve")
    assert rest == "serving host=127.0.0.1 port=8080"


def test_a_json_line_has_an_iso_utc_time() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)

    logging.getLogger("servicedesk.serve").warning("drained", extra={"done": 1})

    record = json.loads(stream.getvalue())
    assert ISO_UTC.match(record["time"])
    assert (record["level"], record["logger"], record["message"], record["done"]) == (
        "WARNING",
        "servicedesk.serve",
        "drained",
        1,
    )


def test_event_keys_and_retry_times_are_not_epoch_floats() -> None:
    key = TrackerStatusChanged("SERVICEDESK-42", 1_800_000_000.25).key

    assert key == "tracker:status:SERVICEDESK-42:2027-01-15T08:00:00.250000Z"


def test_a_queued_event_logs_its_retry_time_in_iso_utc(caplog: pytest.LogCaptureFixture) -> None:
    from ports.errors import TransientFailure
    from tests.builders import message
    from tests.conftest import make_bridge

    bridge = make_bridge()
    bridge.messenger.faults.add("post_to_thread", TransientFailure("pachca: 503"))
    with caplog.at_level(logging.WARNING):
        assert bridge.deliver(message(56431)) == "queued"

    [queued] = [r for r in caplog.records if r.getMessage() == "event queued for retry"]
    assert ISO_UTC.match(queued.retry_at)  # type: ignore[attr-defined]
    numbers = [v for v in vars(queued).values() if isinstance(v, float) and v > 1e9]
    assert numbers == [queued.created]  # logging's own record time, which the formatters render as ISO


def first_line_of_serve(tmp_path: Path, extra: dict[str, str]) -> str:
    """`servicedesk-bot serve` with its stdout on a terminal: the first line it writes there."""
    primary, secondary = pty.openpty()
    env = {"PATH": os.environ.get("PATH", ""), **TEST_ENV, "STATE_URL": f"sqlite:///{tmp_path}/s.db", **extra}
    process = subprocess.Popen(
        [SCRIPT, "serve", "--port", "0", "--drain-every", "0"], stdout=secondary, stderr=subprocess.PIPE, env=env
    )
    os.close(secondary)
    try:
        output = b""
        deadline = time.monotonic() + 30
        while b"\n" not in output and time.monotonic() < deadline:
            if select.select([primary], [], [], 0.5)[0]:
                output += os.read(primary, 4096)
        return output.decode().splitlines()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(primary)


def test_serve_at_a_terminal_writes_text(tmp_path: Path) -> None:
    line = first_line_of_serve(tmp_path, {})

    assert re.match(r"^\S+Z (INFO|WARN)", line) and not line.startswith("{")


def test_log_format_json_wins_even_at_a_terminal(tmp_path: Path) -> None:
    line = first_line_of_serve(tmp_path, {"LOG_FORMAT": "json"})

    assert ISO_UTC.match(json.loads(line)["time"])
