"""`servicedesk-bot serve --poll` as a person starts it: no signing secret, no public URL, no trigger; the message
kept in the bot's event history becomes a ticket with nothing delivered to the bridge."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from entrypoints.sandbox.simulators.webhooks import message_webhook
from entrypoints.sandbox.simulators.world import World
from tests.conftest import TEST_ENV
from tests.entrypoints.http.test_serve_startup import SCRIPT


def test_serve_poll_needs_no_secret_and_carries_what_the_history_holds(tmp_path: Path) -> None:
    env = {k: v for k, v in TEST_ENV.items() if k not in ("WEBHOOK_SECRET", "TRACKER_WEBHOOK_SECRET")}
    with World().served() as world:
        world.pachca.history.record(message_webhook(56431, timestamp=int(time.time())))
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            **env,
            **world.env(),
            "STATE_URL": f"sqlite:///{tmp_path / 'state.db'}",
            "POLL_SECONDS": "0.5",
        }
        process = subprocess.Popen(
            [SCRIPT, "serve", "--port", "0", "--poll"],
            env=full_env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            # carried, then deleted from the history a moment later: the test waits for both
            while not (world.issues and not world.pachca.history.pending()) and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        finally:
            process.terminate()
            _, err = process.communicate(timeout=10)

        assert [issue.local_fields["pachcaMessageId"] for issue in world.issues.values()] == ["56431"], err
        assert world.pachca.history.pending() == 0
        assert world.unrouted == []
