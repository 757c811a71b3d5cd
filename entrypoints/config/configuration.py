"""The one place the environment is read: Settings, or one error that names each variable at fault, says why and
shows a good value. The function's 503 body names the variables only; everything else prints `explain()`."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from adapters.state.url import check_state_url, sqlite_path
from entrypoints.config.settings import Settings, known_variables, rule_for, variable_names

ORG_PROBLEM = "TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID"
HEADER = "configuration is incomplete or invalid (README, «Configuration»):"
POSTGRES_EXTRA = "pip install 'servicedesk-pachca-bot[postgres]'"


@dataclass(frozen=True)
class Problem:
    name: str  # the variable at fault (what the 503 body names)
    text: str  # the whole sentence: what is wrong, and a good value


class ConfigurationError(Exception):
    """Start-up cannot go on; `names` are the variables at fault (never their values)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        first = {p.name: p for p in reversed(problems)}
        self.problems = sorted(first.values(), key=lambda p: p.name)
        self.names = [p.name for p in self.problems]
        super().__init__("configuration: " + ", ".join(self.names))

    def explain(self) -> str:
        return "\n".join([HEADER, *(f"  {p.text}" for p in self.problems)])


def problem(name: str, why: str, example: str | None = None) -> Problem:
    """`NAME why; for example NAME=value` (the example is the rule's unless given)."""
    example = rule_for(name).example if example is None else example
    return Problem(name, f"{name} {why}" + (f"; for example {name}={example}" if example else ""))


def load_settings(environ: Mapping[str, str], *, here: bool = True) -> Settings:
    """Reads `environ` (never os.environ implicitly), or raises ConfigurationError naming every bad variable.

    `here=False`: the configuration runs elsewhere (`deploy --print`), so this machine's drivers do not matter."""
    known = {k: v for k, v in environ.items() if k.isupper()}
    problems = _org_problems(known) + _delivery_problems(known)
    try:
        settings = Settings(**known)  # type: ignore[arg-type]
    except ValidationError as e:
        problems += [_problem_of(error) for error in e.errors()]
    else:
        problems += _driver_problems(settings) if here else []
    if problems:
        raise ConfigurationError([_with_guess(found, near_misses(known)) for found in problems])
    return settings


def near_misses(environ: Mapping[str, str]) -> dict[str, str]:
    """Variables set under a name the bridge does not read but one edit away from one it does and that is unset:
    {`TRACKER_ORGID`: `TRACKER_ORG_ID`}."""
    names = known_variables()
    unset = [name for name in names if not environ.get(name, "").strip()]
    misses = {}
    for given in environ:
        if given.isupper() and given not in names:
            guess = next((name for name in unset if _one_edit_apart(given, name)), None)
            if guess:
                misses[given] = guess
    return misses


def did_you_mean(given: str, meant: str) -> str:
    return f"{given} is set, which the bridge does not read: did you mean {meant}?"


def _with_guess(found: Problem, misses: Mapping[str, str]) -> Problem:
    guesses = [did_you_mean(given, meant) for given, meant in misses.items() if meant in found.name]
    return Problem(found.name, ". ".join([found.text, *guesses])) if guesses else found


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and a[differ[0]] == b[differ[1]]
            and a[differ[1]] == b[differ[0]]
        )
        return len(differ) == 1 or swapped
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _org_problems(environ: Mapping[str, str]) -> list[Problem]:
    org, cloud = (bool(environ.get(name, "").strip()) for name in ("TRACKER_ORG_ID", "TRACKER_CLOUD_ORG_ID"))
    if org and cloud:
        text = (
            "TRACKER_ORG_ID and TRACKER_CLOUD_ORG_ID are both set: unset one. Keep TRACKER_ORG_ID for a Yandex 360 "
            "organisation (sent as X-Org-ID), TRACKER_CLOUD_ORG_ID for a Yandex Cloud organisation (X-Cloud-Org-ID)"
        )
        return [Problem(ORG_PROBLEM, text)]
    if not (org or cloud):
        text = (
            "neither TRACKER_ORG_ID nor TRACKER_CLOUD_ORG_ID is set: set exactly one (Tracker: Administration → "
            "Organizations); for example TRACKER_ORG_ID=7654321"
        )
        return [Problem(ORG_PROBLEM, text)]
    return []


def _delivery_problems(environ: Mapping[str, str]) -> list[Problem]:
    """The signing secret is needed only where Pachca calls the bridge: poll mode reads the events itself."""
    if environ.get("DELIVERY", "").strip().lower() == "poll" or environ.get("WEBHOOK_SECRET", "").strip():
        return []
    if "WEBHOOK_SECRET" in environ:
        return []  # set but blank: the field's own rule says so
    return [problem("WEBHOOK_SECRET", f"is not set: it {rule_for('WEBHOOK_SECRET').must}")]


def _problem_of(error: Any) -> Problem:
    loc = error.get("loc") or ()
    if not loc:
        return Problem(ORG_PROBLEM, f"{ORG_PROBLEM}: set exactly one")  # the only model-level rule
    name = variable_names().get(str(loc[0]), str(loc[0]).upper())
    must = rule_for(name).must
    if error.get("type") == "missing":
        return problem(name, f"is not set: it {must}")
    detail = str(error.get("ctx", {}).get("error", "")) if error.get("type") == "value_error" else ""
    return problem(name, _why(name, must, detail.removeprefix(f"{name} ")))


def _why(name: str, must: str, detail: str) -> str:
    """The validator's own words when they say it all, else the variable's rule, with the detail added."""
    if not detail:
        return must
    if detail.startswith("is "):
        return f"{detail}: it {must}"
    if detail.startswith(("must ", "has ", "scheme ")):
        return detail
    return f"{must} ({detail})"


def _driver_problems(settings: Settings) -> list[Problem]:
    """What this machine cannot do with a well-formed configuration: a driver missing, a directory for a file."""
    if settings.state_url and check_state_url(settings.state_url) == "sqlite":
        path = Path(sqlite_path(settings.state_url.strip().partition("://")[2]))
        if path.is_dir():
            why = f"names a directory, not a file: {path.absolute()}. Name a file in it"
            return [problem("STATE_URL", why, f"sqlite:///{(path / 'servicedesk-state.db').as_posix()}")]
    if settings.state_url and check_state_url(settings.state_url) == "postgresql" and not _installed("psycopg"):
        why = (
            "names PostgreSQL, but the PostgreSQL driver is not installed: install the postgres extra, "
            f"{POSTGRES_EXTRA} (make run does it when STATE_URL names PostgreSQL); or use SQLite"
        )
        return [problem("STATE_URL", why)]
    return []


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: a module blocked by sys.modules[name] = None
        return False
