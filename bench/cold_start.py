"""Cold start: a fresh interpreter until its first answered webhook through `index.handler`, against the floor."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.webhooks import SECRET_ENV, function_event, message_body, signed
from entrypoints.sandbox.simulators.people import BOT_ID
from entrypoints.sandbox.simulators.world import World

ROOT = Path(__file__).resolve().parent.parent
FLOOR_IMPORTS = "import requests, pydantic, dependency_injector"
# What the bridge really loads of those libraries: both `pydantic` and `dependency_injector` are lazy packages, and
# dependency-injector's providers load pydantic-settings (when installed) and asyncio.
USED_IMPORTS = "import requests, pydantic_settings, dependency_injector.containers; from pydantic import BaseModel"
OPTIONAL_MODULES = ("psycopg", "yaml", "werkzeug")  # none of them is needed to answer a webhook on SQLite
# dependency-injector imports these when they are installed (YAML config, Flask support); the dev venv has them as
# test tools' dependencies, the function's archive (`servicedesk-bot package`) does not install them.
NOT_PACKAGED = ("yaml", "werkzeug")

# The child stamps wall-clock times, so the parent can split the run into phases.
BRIDGE_CHILD = """
import time; t_code = time.time()
import json, sys
sys.modules.update(dict.fromkeys(json.loads(sys.argv[1])))  # modules to treat as not installed
event = json.loads(sys.stdin.read())
import index
t_imported = time.time()
reply = index.handler(event, None)
t_answered = time.time()
print(json.dumps({
    "times": [t_code, t_imported, t_answered],
    "status": reply["statusCode"],
    "outcome": json.loads(reply["body"]).get("outcome"),
    "loaded": [name for name in %r if sys.modules.get(name) is not None],
}))
""" % (OPTIONAL_MODULES,)  # noqa: UP031 - a literal tuple pasted into code

FLOOR_CHILD = """
import time; t_code = time.time()
import sys
sys.modules.update(dict.fromkeys(sys.argv[2:]))
exec(sys.argv[1])
t_imported = time.time()
print('{"times": [%r, %r, %r]}' % (t_code, t_imported, t_imported))
"""


@dataclass(frozen=True)
class Run:
    total: float  # process start to exit, measured by the parent
    startup: float  # process start to the first line of code: interpreter and site
    imports: float
    first_answer: float
    answered: bool
    loaded: tuple[str, ...]

    @property
    def to_answer(self) -> float:
        """What a cold instance makes its first caller wait; the interpreter's exit afterwards is not counted."""
        return self.startup + self.imports + self.first_answer

    @property
    def exit(self) -> float:
        return self.total - self.to_answer


@dataclass(frozen=True)
class ColdStart:
    bridge: list[Run]
    packaged: list[Run]  # the same, with the modules the function's archive does not install made unimportable
    floor: list[Run]
    used_floor: list[Run]  # USED_IMPORTS, as packaged

    @property
    def bridge_seconds(self) -> float:
        return statistics.median(r.to_answer for r in self.bridge)

    @property
    def floor_seconds(self) -> float:
        return statistics.median(r.to_answer for r in self.floor)

    @property
    def ratio(self) -> float:
        return self.bridge_seconds / self.floor_seconds

    @property
    def packaged_seconds(self) -> float:
        return statistics.median(r.to_answer for r in self.packaged)

    @property
    def used_floor_seconds(self) -> float:
        return statistics.median(r.to_answer for r in self.used_floor)

    @property
    def all_answered(self) -> bool:
        return all(r.answered for r in self.bridge + self.packaged)

    @property
    def psycopg_imported(self) -> bool:
        return any("psycopg" in r.loaded for r in self.bridge + self.packaged)

    def phase(self, name: str, runs: str = "bridge") -> float:
        return float(statistics.median(getattr(r, name) for r in getattr(self, runs)))

    def loaded(self, runs: str = "bridge") -> list[str]:
        return sorted({name for r in getattr(self, runs) for name in r.loaded})


def measure_cold_start(apis: World, runs: int = 10, warmup: int = 1, python: str = sys.executable) -> ColdStart:
    """Alternates floor and bridge runs (after unmeasured warm-ups), each in a fresh interpreter."""
    result = ColdStart([], [], [], [])
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        for i in range(warmup + runs):
            floor = _run(python, [FLOOR_CHILD, FLOOR_IMPORTS], b"", _base_env())
            used_floor = _run(python, [FLOOR_CHILD, USED_IMPORTS, *NOT_PACKAGED], b"", _base_env())
            bridge = _bridge_run(apis, python, Path(tmp) / f"state-{i}.db", 880_000 + 2 * i, ())
            packaged = _bridge_run(apis, python, Path(tmp) / f"packaged-{i}.db", 880_001 + 2 * i, NOT_PACKAGED)
            if i >= warmup:
                result.floor.append(floor)
                result.used_floor.append(used_floor)
                result.bridge.append(bridge)
                result.packaged.append(packaged)
    return result


def _bridge_run(
    apis: World,
    python: str,
    state_file: Path,
    message_id: int,
    blocked: tuple[str, ...],
    cwd: Path = ROOT,
    flags: tuple[str, ...] = (),
) -> Run:
    chat_id = 918_264
    apis.pachca.message_chats[message_id] = chat_id
    body = message_body(message_id, chat_id, 134_412, int(time.time()), "Не работает вход в 1С")
    event = function_event(*signed(body))
    env = {
        **_base_env(),
        **SECRET_ENV,
        **apis.env(),
        "STATE_URL": f"sqlite:///{state_file}",
        "BOT_USER_ID": str(BOT_ID),
    }
    return _run(python, [BRIDGE_CHILD, json.dumps(blocked)], json.dumps(event).encode(), env, cwd, flags)


def _base_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}


def _run(
    python: str,
    code_and_args: list[str],
    stdin: bytes,
    env: dict[str, str],
    cwd: Path = ROOT,
    flags: tuple[str, ...] = (),
) -> Run:
    started = time.time()
    t0 = time.perf_counter()
    done = subprocess.run(
        [python, *flags, "-c", *code_and_args], input=stdin, capture_output=True, env=env, cwd=cwd, check=False
    )
    total = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"cold-start child failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    t_code, t_imported, t_answered = report["times"]
    return Run(
        total=total,
        startup=t_code - started,
        imports=t_imported - t_code,
        first_answer=t_answered - t_imported,
        answered=report.get("status", 200) == 200 and report.get("outcome", "created") == "created",
        loaded=tuple(report.get("loaded", ())),
    )
