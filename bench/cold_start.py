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

from bench.flow_length import PROJECT
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


# One more cold start of the bridge, instrumented (so not among the timed runs): what the bridge's own share is made
# of. Classes are counted where Python builds them (`dataclasses._process_class`, pydantic's model metaclass), the
# outbound calls at `requests.Session.request`, the imports the first event makes at `__import__`/`import_module`.
SHARE_CHILD = r"""
import builtins, dataclasses, importlib, json, sys, time
sys.modules.update(dict.fromkeys(json.loads(sys.argv[1])))
event = json.loads(sys.stdin.read())
project = tuple(json.loads(sys.argv[3]))
spent = {"dataclasses": [0, 0.0], "models": [0, 0.0], "calls": [0, 0.0], "first_imports": [0, 0.0]}

def ours(module):
    return (module or "").split(".")[0] in project

def timed(kind, call, counted=lambda *a, **k: True):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            if counted(*args, **kwargs):
                spent[kind][0] += 1
                spent[kind][1] += time.perf_counter() - started
    return wrapper

dataclasses._process_class = timed("dataclasses", dataclasses._process_class, lambda cls, *a, **k: ours(cls.__module__))
from pydantic._internal import _model_construction
meta = _model_construction.ModelMetaclass
meta.__new__ = timed("models", meta.__new__, lambda mcs, name, bases, ns, *a, **k: ours(ns.get("__module__")))
import requests
requests.Session.request = timed("calls", requests.Session.request)
t_code = time.time()
function = __import__(sys.argv[2], fromlist=["handler"])
t_imported = time.time()
depth = [0]
def outermost(call):
    def wrapper(*args, **kwargs):
        if depth[0]:
            return call(*args, **kwargs)
        depth[0] += 1
        try:
            return timed("first_imports", call)(*args, **kwargs)
        finally:
            depth[0] -= 1
    return wrapper
builtins.__import__ = outermost(builtins.__import__)
importlib.import_module = outermost(importlib.import_module)
reply = function.handler(event, None)
t_answered = time.time()
outcome = json.loads(reply["body"]).get("outcome")
times = {"imports": t_imported - t_code, "first_answer": t_answered - t_imported}
print(json.dumps({"spent": spent, **times, "outcome": outcome}))
"""


@dataclass(frozen=True)
class ColdShare:
    """What one instrumented cold start of the bridge spent, by kind: (how many, seconds)."""

    dataclasses: tuple[int, float]  # the project's dataclasses built
    models: tuple[int, float]  # the project's pydantic models built (classes, not validators)
    calls: tuple[int, float]  # outbound HTTP calls to the fake APIs
    first_imports: tuple[int, float]  # import statements the first event ran (the composition's paths, lazily)
    imports: float  # `import index`, after requests and pydantic (the instrumentation loads them first)
    first_answer: float


def measure_cold_share(apis: World, python: str = sys.executable) -> ColdShare:
    with tempfile.TemporaryDirectory(prefix="bench-share-") as tmp:
        post = apis.pachca.say(134_412, 918_264, "Не работает вход в 1С")
        body = message_body(post.id, 918_264, post.user_id, int(time.time()), post.content)
        env = {
            **_base_env(),
            **SECRET_ENV,
            **apis.env(),
            "STATE_URL": f"sqlite:///{Path(tmp) / 'state.db'}",
            "BOT_USER_ID": str(BOT_ID),
        }
        args = [SHARE_CHILD, json.dumps(NOT_PACKAGED), PRODUCT, json.dumps(PROJECT)]
        done = subprocess.run(
            [python, "-c", *args],
            input=json.dumps(function_event(*signed(body))).encode(),
            capture_output=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=True,
        )
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    if report["outcome"] != "created":
        raise RuntimeError(f"the instrumented cold start answered {report['outcome']!r}, not 'created'")
    spent = {kind: (int(n), float(seconds)) for kind, (n, seconds) in report["spent"].items()}
    return ColdShare(**spent, imports=report["imports"], first_answer=report["first_answer"])


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
