"""Cold start: a fresh interpreter until its first answered webhook through `index.handler`, against the null product.

The goal's figure is the bridge against the null product through the same host: `bench/null_function.py`, a
function that answers every event 200 and does nothing else but import the third-party libraries the bridge's
function needs to answer (`requests`, pydantic's `BaseModel`, dependency-injector's containers and providers, which
bring `pydantic_settings` and `asyncio` along, and `pythonjsonlogger`), run by the very same child (`CHILD`) with
the very same signed event. What is left is the bridge's own: its modules, its models, building its container, and
answering (a SQLite store created, the fake APIs called over HTTP). Both are measured again as the function's
archive installs them (PyYAML and Werkzeug not importable). The old floor, a child that only runs
`import requests, pydantic, dependency_injector` (both packages are lazy, so it loads almost none of them), is
measured beside them for comparison with earlier figures.
"""

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
PRODUCT, NULL_PRODUCT = "index", "bench.null_function"
FLOOR_IMPORTS = "import requests, pydantic, dependency_injector"
OPTIONAL_MODULES = ("psycopg", "yaml", "werkzeug")  # none of them is needed to answer a webhook on SQLite
# dependency-injector imports these when they are installed (YAML config, Flask support); the dev venv has them as
# test tools' dependencies, the function's archive (`servicedesk-bot package`) does not install them.
NOT_PACKAGED = ("yaml", "werkzeug")

# The host: reads the event, imports the function's module (`argv[2]`) and calls its handler once. The child
# stamps wall-clock times, so the parent can split the run into phases.
CHILD = """
import time; t_code = time.time()
import json, sys
sys.modules.update(dict.fromkeys(json.loads(sys.argv[1])))  # modules to treat as not installed
event = json.loads(sys.stdin.read())
function = __import__(sys.argv[2], fromlist=["handler"])
t_imported = time.time()
reply = function.handler(event, None)
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
    answered: bool  # 200, with the outcome the function is expected to answer
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
    null: list[Run]  # the null product through the same host, as `bridge`
    null_packaged: list[Run]  # the null product, as `packaged`
    floor: list[Run]  # FLOOR_IMPORTS: the old reference

    def seconds(self, runs: str = "bridge") -> float:
        return float(statistics.median(r.to_answer for r in getattr(self, runs)))

    @property
    def bridge_seconds(self) -> float:
        return self.seconds("bridge")

    @property
    def ratio(self) -> float:
        """The goal's figure: the bridge ÷ the null product through the same host."""
        return self.bridge_seconds / self.seconds("null")

    @property
    def packaged_ratio(self) -> float:
        return self.seconds("packaged") / self.seconds("null_packaged")

    def floor_ratio(self, runs: str = "bridge") -> float:
        """`runs` ÷ the old floor (FLOOR_IMPORTS), for comparison with earlier figures."""
        return self.seconds(runs) / self.seconds("floor")

    @property
    def all_answered(self) -> bool:
        return all(r.answered for r in self.bridge + self.packaged + self.null + self.null_packaged)

    @property
    def psycopg_imported(self) -> bool:
        return any("psycopg" in r.loaded for r in self.bridge + self.packaged)

    def phase(self, name: str, runs: str = "bridge") -> float:
        return float(statistics.median(getattr(r, name) for r in getattr(self, runs)))

    def loaded(self, runs: str = "bridge") -> list[str]:
        return sorted({name for r in getattr(self, runs) for name in r.loaded})


def measure_cold_start(apis: World, runs: int = 10, warmup: int = 1, python: str = sys.executable) -> ColdStart:
    """Alternates the floor, the null product and the bridge, each also as packaged (after unmeasured warm-ups),
    each in a fresh interpreter, so a busy machine slows them alike."""
    result = ColdStart([], [], [], [], [])
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        for i in range(warmup + runs):
            floor = _run(python, [FLOOR_CHILD, FLOOR_IMPORTS], b"", _base_env())
            null = _bridge_run(apis, python, Path(tmp) / f"null-{i}.db", (), module=NULL_PRODUCT)
            bridge = _bridge_run(apis, python, Path(tmp) / f"state-{i}.db", ())
            null_packaged = _bridge_run(
                apis, python, Path(tmp) / f"null-packaged-{i}.db", NOT_PACKAGED, module=NULL_PRODUCT
            )
            packaged = _bridge_run(apis, python, Path(tmp) / f"packaged-{i}.db", NOT_PACKAGED)
            if i >= warmup:
                result.floor.append(floor)
                result.null.append(null)
                result.null_packaged.append(null_packaged)
                result.bridge.append(bridge)
                result.packaged.append(packaged)
    return result


def _bridge_run(
    apis: World,
    python: str,
    state_file: Path,
    blocked: tuple[str, ...],
    cwd: Path = ROOT,
    flags: tuple[str, ...] = (),
    module: str = PRODUCT,
) -> Run:
    """One cold start of `module`'s handler answering a signed Pachca message, in the bridge's environment."""
    chat_id = 918_264
    post = apis.pachca.say(134_412, chat_id, "Не работает вход в 1С")  # in Pachca first, as a real message is
    body = message_body(post.id, chat_id, post.user_id, int(time.time()), post.content)
    event = function_event(*signed(body))
    env = {
        **_base_env(),
        **SECRET_ENV,
        **apis.env(),
        "STATE_URL": f"sqlite:///{state_file}",
        "BOT_USER_ID": str(BOT_ID),
    }
    expected = "created" if module == PRODUCT else "null"
    return _run(python, [CHILD, json.dumps(blocked), module], json.dumps(event).encode(), env, cwd, flags, expected)


def _base_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}


def _run(
    python: str,
    code_and_args: list[str],
    stdin: bytes,
    env: dict[str, str],
    cwd: Path = ROOT,
    flags: tuple[str, ...] = (),
    outcome: str | None = None,
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
        answered=report.get("status", 200) == 200 and report.get("outcome", outcome) == outcome,
        loaded=tuple(report.get("loaded", ())),
    )
