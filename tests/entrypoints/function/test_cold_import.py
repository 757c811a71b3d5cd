"""A cold function imports what its event needs: `import index` and one Pachca message in a fresh interpreter, then
which of the project's modules it holds (no timing: the cold start's figure lives in `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed
from tests.entrypoints.conftest import bridge_env, http_event

ROOT = Path(__file__).resolve().parents[3]
CHILD = """
import json, sys
event = json.loads(sys.stdin.read())
roots = ("adapters", "application", "domain", "ports", "entrypoints", "psycopg", "waitress")
ours = lambda: sorted(n for n in sys.modules if n.split(".")[0] in roots)
import index
imported = ours()
reply = index.handler(event, None)
print(json.dumps({"reply": reply, "imported": imported, "answered": ours()}))
"""
NEVER = (
    "entrypoints.cli",
    "entrypoints.sandbox",
    "entrypoints.composition.admin_container",
    "application.admin",
    "adapters.tracker.queue",  # setup and doctor's view of a queue
    "adapters.tracker.queue_models",
    "adapters.pachca.admin",  # the bot's token, webhook and chats: init, setup, doctor
    "ports.admin",
    "application.helpdesk.agents_chat",  # no AGENTS_CHAT_ID configured: nothing to announce, nothing built
    "adapters.state.postgres",
    "adapters.y360",  # no directory configured
    "psycopg",
    "waitress",
)
OTHER_EVENTS = (
    "application.usecases.comments",
    "application.usecases.buttons",
    "application.usecases.submit_form",
    "application.usecases.edits",
    "application.usecases.deletions",
    "application.usecases.announce",
    "application.usecases.assignee",
    "application.usecases.rating",
    "application.helpdesk.merging",
    "application.once.poller",
    "application.once.recovery",  # the passes: the timer's; a webhook only notes that it came (once/passes)
    "application.once.alerts",
)


def cold_start(world: World, state_url: str) -> dict[str, list[str]]:
    body, headers = signed(pachca_body(56431))
    env = {**bridge_env(world, state_url), "PATH": "/usr/bin:/bin"}
    event = json.dumps(http_event("POST", body, headers))
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=event, capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["reply"]["statusCode"] == 200 and json.loads(report["reply"]["body"])["outcome"] == "created"
    return {"imported": report["imported"], "answered": report["answered"]}


def _under(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)]


def test_the_function_imports_no_command_sandbox_or_other_store_and_no_use_case_before_its_event(
    tmp_path: Path,
) -> None:
    with World().served() as world:
        modules = cold_start(world, f"sqlite:///{tmp_path}/state.db")

    assert _under(modules["answered"], NEVER) == []
    assert _under(modules["imported"], ("application.usecases", "application.helpdesk")) == []


def test_a_pachca_message_imports_its_own_use_case_and_not_the_other_events(tmp_path: Path) -> None:
    with World().served() as world:
        modules = cold_start(world, f"sqlite:///{tmp_path}/state.db")

    assert "application.usecases.tickets" in modules["answered"]
    assert _under(modules["answered"], OTHER_EVENTS) == []
