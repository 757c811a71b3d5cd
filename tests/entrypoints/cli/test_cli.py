from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main, start_drainer
from entrypoints.sandbox.simulators.world import World
from ports.errors import TransientFailure
from tests.builders import message
from tests.conftest import make_bridge
from tests.entrypoints.apis import THREAD_OPEN, pachca_body, signed
from tests.entrypoints.conftest import call_function


def test_drain_retries_what_the_function_queued(function_env: dict[str, str], apis: World) -> None:
    apis.inject(THREAD_OPEN, 503, times=None)
    assert call_function("POST", *signed(pachca_body(56431))).status == 202
    apis.heal()

    result = CliRunner().invoke(main, ["drain"], env=function_env)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "outcome": "drained", "done": 1, "left": 0}
    assert len(apis.issues) == 1 and len(apis.posts) == 1


def test_commands_name_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PACHCA_API_TOKEN", "PACHKA_API_TOKEN", "WEBHOOK_SECRET", "TRACKER_API_TOKEN", "TRACKER_ORG_ID"):
        monkeypatch.delenv(name, raising=False)

    for command in (["serve"], ["drain"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2
        assert "PACHKA_API_TOKEN" in result.stderr and "WEBHOOK_SECRET" in result.stderr
        assert "TRACKER_API_TOKEN" in result.stderr and "TRACKER_ORG_ID" in result.stderr


def test_serve_drains_the_outbox_in_the_background() -> None:
    bridge = make_bridge()
    bridge.messenger.faults.add("post_to_thread", TransientFailure("pachca: 503"))
    assert bridge.deliver(message(56431)) == "queued"

    start_drainer(bridge.container.drain_pass(), every=0.02)
    deadline = time.monotonic() + 5
    while not bridge.messenger.posts and time.monotonic() < deadline:
        time.sleep(0.02)

    assert len(bridge.messenger.posts) == 1
    assert len(bridge.tracker.issues) == 1


@pytest.mark.parametrize("output", ["/dev/full", "/proc/no-such-folder/function.zip"])
def test_package_to_a_place_it_cannot_write_says_so_in_one_line(output: str) -> None:
    result = CliRunner().invoke(main, ["package", "--output", output])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # an exit with a message, not a traceback
    [line] = result.stderr.splitlines()
    assert line.startswith("package: cannot write /")
