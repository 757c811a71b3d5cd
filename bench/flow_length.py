"""Flow length: how many of the project's modules one warm invocation of `index.handler` enters.

A fresh interpreter (`FLOW_CHILD`) runs the function against the simulated Pachca and Tracker over HTTP on a SQLite
file: one ticket from a Pachca message and one Tracker comment unmeasured (the caches get warm), then one more of
each traced with `sys.setprofile`. A module is entered when one of its functions is called; the sandbox (the
simulators run in the bench's own process anyway) and the tests are left out. A switch is a call or a return that
moves from one project module to another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.webhooks import SECRET_ENV, from_tracker, function_event, message_body, signed, tracker_comment_body
from entrypoints.sandbox.simulators.people import BOT_ID, IVAN, OLEG
from entrypoints.sandbox.simulators.world import World

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("index", "domain", "application", "ports", "adapters", "entrypoints")
LEFT_OUT = ("entrypoints.sandbox", "tests", "bench")

FLOW_CHILD = """
import json, sys
events = json.loads(sys.stdin.read())
project, left_out = tuple(json.loads(sys.argv[1])), tuple(json.loads(sys.argv[2]))
import index

def ours(name):
    return (name.split(".")[0] in project) and not name.startswith(left_out)

def traced(event):
    entered, switches, stack = [], 0, []
    def profile(frame, what, arg):
        nonlocal switches
        if what not in ("call", "return"):
            return
        name = frame.f_globals.get("__name__", "")
        if not ours(name):
            return
        if what == "call":
            if name not in entered:
                entered.append(name)
            if stack and stack[-1] != name:
                switches += 1
            stack.append(name)
        else:
            if stack:
                stack.pop()
            if stack and stack[-1] != name:
                switches += 1
    sys.setprofile(profile)
    try:
        reply = index.handler(event, None)
    finally:
        sys.setprofile(None)
    return {"status": reply["statusCode"], "body": json.loads(reply["body"]), "modules": entered, "switches": switches}

out = {}
for name, (warmup, measured) in events.items():
    index.handler(warmup, None)
    out[name] = traced(measured)
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Flow:
    name: str
    outcome: str
    modules: tuple[str, ...]
    switches: int

    @property
    def count(self) -> int:
        return len(self.modules)


def measure_flows(apis: World, python: str = sys.executable) -> list[Flow]:
    """A warm ticket from a Pachca message and a warm Tracker comment, traced in a fresh interpreter."""
    chat_id, now = 918_265, int(__import__("time").time())
    messages, posted = [], []
    for _ in range(2):  # written in the simulated Pachca first, so the bridge finds the message as it would there
        post = apis.pachca.say(OLEG.pachca_id, chat_id, "Нет VPN")
        posted.append(post.id)
        messages.append(function_event(*signed(message_body(post.id, chat_id, OLEG.pachca_id, now, post.content))))
    with tempfile.TemporaryDirectory(prefix="bench-flow-") as tmp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "LANG": "C.UTF-8",
            **SECRET_ENV,
            **apis.env(),
            "STATE_URL": f"sqlite:///{Path(tmp) / 'state.db'}",
            "BOT_USER_ID": str(BOT_ID),
        }
        # a first run opens the ticket the Tracker comments are made on
        opened = _child(python, {"ticket": messages}, env)
        key = apis.issue_of(posted[0]).key
        comments = [
            function_event(*from_tracker(tracker_comment_body(key, apis.comment_as(IVAN, key, text))))
            for text in ("Проверили", "Выдали доступ")
        ]
        message_flow = opened["ticket"]
        comment_flow = _child(python, {"comment": comments}, env)["comment"]
    return [_flow("warm ticket from a Pachca message", message_flow), _flow("warm Tracker comment", comment_flow)]


def _child(python: str, events: Mapping[str, Sequence[object]], env: dict[str, str]) -> dict[str, dict[str, object]]:
    done = subprocess.run(
        [python, "-c", FLOW_CHILD, json.dumps(PROJECT), json.dumps(LEFT_OUT)],
        input=json.dumps(events).encode(),
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    result: dict[str, dict[str, object]] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def _flow(name: str, traced: dict[str, object]) -> Flow:
    body = traced["body"]
    outcome = str(body.get("outcome", "")) if isinstance(body, dict) else ""
    modules = traced["modules"]
    assert isinstance(modules, list)
    return Flow(name, outcome, tuple(str(m) for m in modules), int(str(traced["switches"])))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    with World().served() as world:
        for flow in measure_flows(world):
            print(f"{flow.name}: {flow.outcome}, {flow.count} modules, {flow.switches} switches")
            print("   ", " ".join(flow.modules))
