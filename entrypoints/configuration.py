"""The one place the environment is read: Settings, or one error naming every variable at fault."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, ValidationError

from entrypoints.settings import Settings


class ConfigurationError(Exception):
    """Start-up cannot go on; `names` are the variables at fault (never their values)."""

    def __init__(self, names: list[str]) -> None:
        self.names = sorted(set(names))
        super().__init__("configuration: " + ", ".join(self.names))


def variable_names() -> dict[str, str]:
    """Each setting's environment variable (the first one read): what messages tell the operator to set."""
    names = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names[name] = str(alias.choices[0] if isinstance(alias, AliasChoices) else alias)
    return names


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Reads `environ` (never os.environ implicitly), or raises ConfigurationError naming every bad variable."""
    known = {k: v for k, v in environ.items() if k.isupper()}
    problems = [] if _exactly_one_org(known) else [ORG_PROBLEM]
    try:
        settings = Settings(**known)  # type: ignore[arg-type]
    except ValidationError as e:
        problems += [_name_of(error) for error in e.errors()]
    if problems:
        raise ConfigurationError(problems)
    return settings


ORG_PROBLEM = "TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID"


def _exactly_one_org(environ: Mapping[str, str]) -> bool:
    return sum(1 for name in ("TRACKER_ORG_ID", "TRACKER_CLOUD_ORG_ID") if environ.get(name, "").strip()) == 1


def _name_of(error: Any) -> str:
    loc = error.get("loc") or ()
    if loc:
        field = str(loc[0])
        return variable_names().get(field, field.upper())
    return ORG_PROBLEM  # the only model-level rule
