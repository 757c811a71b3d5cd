"""The one place the environment is read: Settings, or one error that names each variable at fault, says why and
shows a good value. The function's 503 body names the variables only; everything else prints `explain()`."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import AliasChoices, ValidationError

from adapters.state.url import check_state_url
from entrypoints.config.settings import Settings
from entrypoints.config.variable_rules import rule_for

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


def variable_names() -> dict[str, str]:
    """Each setting's environment variable (the first one read): what messages tell the operator to set."""
    names = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names[name] = str(alias.choices[0] if isinstance(alias, AliasChoices) else alias)
    return names


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
        raise ConfigurationError(problems)
    return settings


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
    field = Settings.model_fields.get(str(loc[0]))
    name = variable_names().get(str(loc[0]), str(loc[0]).upper())
    must = rule_for(name, field.default if field else None).must
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
