"""What `servicedesk-bot deploy` deploys: the names, the function's shape, and the configuration split into what goes
into Lockbox and what may be a plain variable of the function's version. Both `deploy` (which applies it with `yc`)
and `deploy --print` (which writes it as a script) start here; docs/cloud-functions.md has the platform facts.

Where each variable goes:
- Lockbox: every secret setting, every value that carries a password (a URL with `user:password@`, or a query
  parameter such as `password` or `sslpassword`), and every value that `yc --environment` would read wrongly (it
  reads `key=value` pairs as CSV, so a `"`, `,`, `=`, `'` or `\\` would be mangled). Lockbox takes any text, and its
  payload reaches `yc` on stdin as JSON, never on a command line.
- A plain variable of the version: everything else, so what is not secret stays readable in the console.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import get_args
from urllib.parse import parse_qsl, urlsplit

from pydantic import AliasChoices, SecretStr

from adapters.state.url import check_state_url
from entrypoints.config.configuration import ConfigurationError, load_settings, problem
from entrypoints.config.settings import Settings, rule_for

RUNTIME = "python312"
ENTRYPOINT = "index.handler"
# Why these sizes: the bridge needs well under 128 MB, but a function's CPU share grows with its memory, and a cold
# start must fit in Pachca's 3-second form deadline; 30 s lets one drain pass retry a few slow calls (each is capped
# at 10 s) while a stuck instance is still freed quickly.
MEMORY = "256MB"
TIMEOUT = "30s"
DRAIN_CRON = "* * * * ? *"  # every minute: a queued event waits at most a minute for its retry
SECRET_ROLE = "lockbox.payloadViewer"  # noqa: S105 - a role. On the secret: the version reads its entries
INVOKER_ROLE = "functions.functionInvoker"  # on the function: the timer trigger calls it
POSTGRES_PROXY_ROLE = "serverless.mdbProxies.user"  # in the folder: the function connects through a database proxy
PROXY_HOST = ".postgresql-proxy.serverless.yandexcloud.net"  # a Managed PostgreSQL «Access from Serverless» host
NOT_DEPLOYED = frozenset({"PUBLIC_URL"})  # only setup and doctor use it; deploy gives them the function's URL
NEEDED_BY_DEPLOY = ("TRACKER_WEBHOOK_SECRET",)  # setup's Tracker triggers send it; the function checks it
STORE_NEEDED = (
    "must name PostgreSQL (postgresql://…) for deploy: a function's local store lives and dies with one instance, so "
    "events would be lost or handled twice. README, «Go live in Yandex Cloud», shows how to create one"
)
UNSAFE_FOR_ENVIRONMENT = re.compile(r"[\"',=\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Target:
    """Where and under which names the function goes."""

    folder_id: str = ""
    function: str = "servicedesk-bot"
    service_account: str = "servicedesk-bot"
    secret_name: str = "servicedesk-bot"  # noqa: S105 - a name, not a secret
    archive: str = "dist/function.zip"
    postgres_cluster: str = ""

    @property
    def timer(self) -> str:
        return f"{self.function}-drain"


@dataclass(frozen=True)
class Configuration:
    """The function's configuration: values kept in memory only, never printed or put on a command line whole."""

    lockbox: dict[str, str] = field(default_factory=dict)  # name -> value, sent as the Lockbox payload
    plain: dict[str, str] = field(default_factory=dict)  # name -> value, `--environment NAME=value`
    through_proxy: bool = False  # STATE_URL connects through a Managed PostgreSQL database proxy


def environment_variables() -> tuple[list[str], set[str]]:
    """Every configuration variable, in the settings' order, and those that hold secrets."""
    names: list[str] = []
    secrets: set[str] = set()
    for setting in Settings.model_fields.values():
        alias = setting.validation_alias
        choices = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [str(alias)]
        names += choices
        if SecretStr in (setting.annotation, *get_args(setting.annotation)):
            secrets.update(choices)
    return names, secrets


def deployable(environ: Mapping[str, str]) -> Configuration:
    """The configuration `deploy` would give the function, or ConfigurationError naming every variable that would
    keep it from working there: a required one missing or wrong, or a STATE_URL that is not a shared PostgreSQL."""
    problems = []
    try:
        state_url = load_settings(environ, here=False).state_url or ""  # the driver is the function's business
    except ConfigurationError as e:
        problems += e.problems
        state_url = environ.get("STATE_URL", "").strip()
    for name in NEEDED_BY_DEPLOY:
        if not environ.get(name, "").strip():
            problems.append(problem(name, f"is not set: deploy needs it; it {rule_for(name).must}"))
    if "STATE_URL" not in {found.name for found in problems} and _store_kind(state_url) != "postgresql":
        problems.append(problem("STATE_URL", STORE_NEEDED, "postgresql://bridge@<host>:6432/bridge"))
    if problems:
        raise ConfigurationError(problems)
    return split(environ)


def split(environ: Mapping[str, str]) -> Configuration:
    names, secret_names = environment_variables()
    present = [name for name in names if environ.get(name, "").strip() and name not in NOT_DEPLOYED]
    lockbox = {n: environ[n] for n in present if n in secret_names or _must_hide(environ[n])}
    plain = {n: environ[n] for n in present if n not in lockbox}
    host = _host(environ.get("STATE_URL", ""))
    return Configuration(lockbox, plain, through_proxy=host.endswith(PROXY_HOST))


def carries_password(value: str) -> bool:
    """A URL with a password in it: `user:password@host`, or a query parameter named like `password`."""
    try:
        parts = urlsplit(value.strip())
        if not (parts.scheme and parts.netloc):
            return False
        query = parse_qsl(parts.query, keep_blank_values=True)
        return parts.password is not None or any("password" in key.lower() for key, _ in query)
    except ValueError:
        return True  # a URL that cannot be read is kept secret rather than shown


def _must_hide(value: str) -> bool:
    return carries_password(value) or bool(UNSAFE_FOR_ENVIRONMENT.search(value)) or value != value.strip()


def _store_kind(url: str) -> str:
    try:
        return check_state_url(url) if url else ""
    except ValueError:
        return ""


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
