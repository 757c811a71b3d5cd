"""`servicedesk-bot deploy`: brings the cloud side to what `entrypoints.cli.deploy.plan` describes, with `yc`.

Each resource is found by name, or created; each step says `created`, `updated` or `unchanged` (a dry run says
`would create` and `would update`, and changes nothing). A second run creates nothing:
- the Lockbox secret gets a new version only when a value changed (its payload is compared, then sent on stdin);
- the function gets a new version only when the code or the configuration changed: the version's description
  carries a digest of the archive and of everything the version is made of, and `$latest`'s is compared;
- a role binding, public invocation and the timer trigger are added only when missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from entrypoints.cli.deploy.plan import (
    DRAIN_CRON,
    ENTRYPOINT,
    INVOKER_ROLE,
    MEMORY,
    POSTGRES_PROXY_ROLE,
    RUNTIME,
    SECRET_ROLE,
    TIMEOUT,
    Configuration,
    Target,
)
from entrypoints.cli.deploy.yc import Yc, YcFailed

PUBLIC = "system:allUsers"
NEW = "(new)"  # an id a dry run cannot know yet


@dataclass
class Outcome:
    function_url: str = ""
    function_id: str = ""


class Deployment:
    """`archive` builds the function's archive and returns its path; `say` prints one line per resource as it goes
    (a step takes seconds to minutes)."""

    def __init__(
        self,
        yc: Yc,
        target: Target,
        configuration: Configuration,
        archive: Callable[[], Path],
        say: Callable[[str], None],
        dry_run: bool = False,
    ) -> None:
        self._yc = yc
        self._target = target
        self._config = configuration
        self._archive = archive
        self._print = say
        self._dry = dry_run
        self._outcome = Outcome()

    def apply(self) -> Outcome:
        t = self._target
        sa = self._named("service account", t.service_account, ("iam", "service-account"))
        secret_id, secret_version = self._secret()
        self._binding(
            f"role {SECRET_ROLE} on secret {t.secret_name}", ("lockbox", "secret"), secret_id, SECRET_ROLE, sa
        )
        function = self._named("function", t.function, ("serverless", "function"))
        function_id = function.get("id", NEW)
        self._outcome.function_id = function_id
        self._outcome.function_url = (
            function.get("http_invoke_url") or f"https://functions.yandexcloud.net/{function_id}"
        )
        self._binding(
            f"role {INVOKER_ROLE} on function {t.function}", ("serverless", "function"), function_id, INVOKER_ROLE, sa
        )
        if self._config.through_proxy:
            self._binding(
                f"role {POSTGRES_PROXY_ROLE} in folder {self._yc.folder}",
                ("resource-manager", "folder"),
                self._yc.folder,
                POSTGRES_PROXY_ROLE,
                sa,
            )
        self._version(function_id, sa.get("id", NEW), secret_id, secret_version)
        self._public(function_id)
        self._timer(function_id, sa.get("id", NEW))
        return self._outcome

    # --- steps ------------------------------------------------------------------------------------------------------
    def _named(self, what: str, name: str, group: tuple[str, ...]) -> dict[str, Any]:
        found = self._yc.find(*group, "get", "--name", name)
        if found is not None:
            self._say("unchanged", f"{what} {name} ({found['id']})")
            return dict(found)
        if self._dry:
            self._say("would create", f"{what} {name}")
            return {}
        created = self._yc(*group, "create", "--name", name)
        self._say("created", f"{what} {name} ({created['id']})")
        return dict(created)

    def _secret(self) -> tuple[str, str]:
        name = self._target.secret_name
        wanted = [{"key": key, "text_value": value} for key, value in self._config.lockbox.items()]
        found = self._yc.find("lockbox", "secret", "get", "--name", name)
        if found is None:
            if self._dry:
                self._say("would create", f"secret {name} (Lockbox: {', '.join(self._config.lockbox)})")
                return NEW, NEW
            created = self._yc(
                "lockbox", "secret", "create", "--name", name, "--payload", "-", stdin=json.dumps(wanted)
            )
            self._say("created", f"secret {name} ({created['id']}; Lockbox: {', '.join(self._config.lockbox)})")
            return created["id"], created["current_version"]["id"]
        secret_id = found["id"]
        try:
            current = self._yc("lockbox", "payload", "get", "--id", secret_id)
        except YcFailed:  # this account may not read payloads: a new version with every value is always right
            current = {"entries": [], "version_id": ""}
        held = {entry["key"]: entry.get("text_value") for entry in current.get("entries", [])}
        changes = _changes(held, self._config.lockbox)
        if not changes:
            self._say("unchanged", f"secret {name} ({secret_id}, version {current['version_id']})")
            return secret_id, current["version_id"]
        keys = ", ".join(change["key"] for change in changes)  # names only, never values
        if self._dry:
            self._say("would update", f"secret {name} ({secret_id}): a new version for {keys}")
            return secret_id, NEW
        added = self._yc(
            "lockbox", "secret", "add-version", "--id", secret_id, "--payload", "-", stdin=json.dumps(changes)
        )
        self._say("updated", f"secret {name} ({secret_id}): new version {added['id']} for {keys}")
        return secret_id, added["id"]

    def _binding(self, what: str, group: tuple[str, ...], resource: str, role: str, sa: dict[str, Any]) -> None:
        subject = f"serviceAccount:{sa.get('id', NEW)}"
        if NEW in (resource, subject):
            self._say("would create", what)
            return
        if _bound(self._yc(*group, "list-access-bindings", "--id", resource), role, subject):
            self._say("unchanged", what)
        elif self._dry:
            self._say("would create", what)
        else:
            self._yc(*group, "add-access-binding", "--id", resource, "--role", role, "--subject", subject)
            self._say("created", what)

    def _version(self, function_id: str, sa_id: str, secret_id: str, secret_version: str) -> None:
        archive = self._archive()
        secrets = [
            f"environment-variable={name},id={secret_id},version-id={secret_version},key={name}"
            for name in self._config.lockbox
        ]
        shape = [RUNTIME, ENTRYPOINT, MEMORY, TIMEOUT, sa_id, sorted(self._config.plain.items()), secrets]
        description = _description(archive.read_bytes(), json.dumps(shape))
        latest = (
            None
            if function_id == NEW
            else self._yc.find(
                "serverless", "function", "version", "get-by-tag", "--function-id", function_id, "--tag", "$latest"
            )
        )
        if latest is not None and latest.get("description") == description and NEW not in secret_version:
            self._say("unchanged", f"version {latest['id']} (the same code and configuration)")
            return
        verb = "created" if latest is None else "updated"
        if self._dry:
            self._say(f"would {verb[:-1]}", f"version of {self._target.function} ({description})")
            return
        args = ["--function-id", function_id, "--runtime", RUNTIME, "--entrypoint", ENTRYPOINT, "--memory", MEMORY]
        args += ["--execution-timeout", TIMEOUT, "--source-path", str(archive), "--service-account-id", sa_id]
        args += ["--description", description]
        for name, value in self._config.plain.items():
            args += ["--environment", f"{name}={value}"]  # plain values only: nothing yc would misread (plan.py)
        for text in secrets:
            args += ["--secret", text]
        created = self._yc("serverless", "function", "version", "create", *args)
        why = "first version" if latest is None else "the code or the configuration changed"
        self._say(verb, f"version {created['id']} of {self._target.function} ({why})")

    def _public(self, function_id: str) -> None:
        what = f"public invocation of {self._target.function}"
        if function_id == NEW:
            self._say("would create", what)
            return
        if _bound(
            self._yc("serverless", "function", "list-access-bindings", "--id", function_id), INVOKER_ROLE, PUBLIC
        ):
            self._say("unchanged", what)
        elif self._dry:
            self._say("would create", what)
        else:
            self._yc("serverless", "function", "allow-unauthenticated-invoke", "--id", function_id)
            self._say("created", what)

    def _timer(self, function_id: str, sa_id: str) -> None:
        name = self._target.timer
        found = self._yc.find("serverless", "trigger", "get", "--name", name)
        if found is not None:
            invoke = found.get("rule", {}).get("timer", {}).get("invoke_function", {})
            if invoke.get("function_id") not in (function_id, None):
                fix = f"delete it (yc serverless trigger delete --name {name}) and run deploy again"
                self._say("differs", f"timer trigger {name} calls function {invoke.get('function_id')}: {fix}")
            else:
                self._say("unchanged", f"timer trigger {name} ({found['id']})")
            return
        if self._dry or NEW in (function_id, sa_id):
            self._say("would create", f"timer trigger {name} (every minute: one drain pass)")
            return
        created = self._yc(
            "serverless",
            "trigger",
            "create",
            "timer",
            "--name",
            name,
            "--cron-expression",
            DRAIN_CRON,
            "--invoke-function-id",
            function_id,
            "--invoke-function-service-account-id",
            sa_id,
        )
        self._say("created", f"timer trigger {name} ({created['id']}, every minute: one drain pass)")

    def _say(self, status: str, what: str) -> None:
        self._print(f"{status:<14}{what}")


def _changes(held: dict[str, Any], wanted: dict[str, str]) -> list[dict[str, str]]:
    """What turns the secret's current payload into `wanted`: changed or new entries, and removals (key only)."""
    changed = [{"key": k, "text_value": v} for k, v in wanted.items() if held.get(k) != v]
    return changed + [{"key": k} for k in held if k not in wanted]


def _bound(bindings: Any, role: str, subject: str) -> bool:
    kind, _, subject_id = subject.partition(":")
    return any(
        b.get("role_id") == role
        and b.get("subject", {}).get("id") == subject_id
        and b.get("subject", {}).get("type") == kind
        for b in bindings or []
    )


def _description(archive: bytes, shape: str) -> str:
    try:
        release = version("servicedesk-pachca-bot")
    except PackageNotFoundError:
        release = "source"
    code = hashlib.sha256(archive).hexdigest()[:16]
    config = hashlib.sha256(shape.encode()).hexdigest()[:16]
    return f"servicedesk-bot {release}; code {code}; configuration {config}"
