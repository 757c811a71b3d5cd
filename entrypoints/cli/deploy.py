"""`servicedesk-bot deploy --print`: the `yc` commands that deploy the function, as one shell script.

The script is filled in from this configuration: names, the folder, the Lockbox secret and every variable that is
set. Secret values never appear in it: the Lockbox payload refers to the shell's own variables (`${NAME}`), so the
script is safe to show, and the person who runs it runs it where those variables are set. docs/cloud-functions.md
has the facts behind each step; the README's «Deploy to Yandex Cloud» walks through it.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args
from urllib.parse import urlsplit

from pydantic import AliasChoices, SecretStr

from entrypoints.config.settings import Settings

RUNTIME = "python312"
ENTRYPOINT = "index.handler"
# Why these sizes: the bridge needs well under 128 MB, but a function's CPU share grows with its memory, and a cold
# start must fit in Pachca's 3-second form deadline; 30 s lets one drain pass retry a few slow calls (each is capped
# at 10 s) while a stuck instance is still freed quickly.
MEMORY = "256MB"
TIMEOUT = "30s"
DRAIN_CRON = "* * * * ? *"  # every minute: a queued event waits at most a minute for its retry
ROLES = ("lockbox.payloadViewer", "functions.functionInvoker")
POSTGRES_PROXY_ROLE = "serverless.mdbProxies.user"


@dataclass(frozen=True)
class Target:
    """Where and under which names the function goes."""

    folder_id: str = ""
    function: str = "servicedesk-bot"
    service_account: str = "servicedesk-bot"
    secret_name: str = "servicedesk-bot"  # noqa: S105 - a name, not a secret
    secret_id: str = ""  # an existing Lockbox secret; empty: the script creates one
    archive: str = "dist/function.zip"
    postgres_cluster: str = ""


def environment_variables() -> tuple[list[str], set[str]]:
    """Every configuration variable, in the settings' order, and those that hold secrets."""
    names: list[str] = []
    secrets: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        choices = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [str(alias)]
        names += choices
        if SecretStr in (field.annotation, *get_args(field.annotation)):
            secrets.update(choices)
    return names, secrets


def render_script(environ: Mapping[str, str], target: Target) -> str:
    names, secret_names = environment_variables()
    present = [name for name in names if environ.get(name, "").strip()]
    secrets = [name for name in present if name in secret_names or _has_password(name, environ[name])]
    plain = [(name, environ[name]) for name in present if name not in secrets]
    lines = [*_preamble(target), *_service_account(target), *_lockbox(target, secrets)]
    lines += [*_function(target, plain, secrets), *_timer(target), *_postgres(target, environ), *_after(target)]
    return "\n".join(lines) + "\n"


def _has_password(name: str, value: str) -> bool:
    return name == "STATE_URL" and bool(urlsplit(value).password)


def _preamble(t: Target) -> list[str]:
    folder = shlex.quote(t.folder_id) if t.folder_id else '"${FOLDER_ID:?set FOLDER_ID to the folder id}"'
    return [
        "#!/usr/bin/env bash",
        "# Deploys the Pachca ⇄ Tracker bridge as a Yandex Cloud Function (from `servicedesk-bot deploy --print`).",
        "# Run it where the bridge's variables are set: the secrets are read from them, never written here.",
        "set -euo pipefail",
        f"FOLDER={folder}",
        f"FUNCTION={shlex.quote(t.function)}",
        f"SA={shlex.quote(t.service_account)}",
        "",
    ]


def _service_account(t: Target) -> list[str]:
    roles = ROLES + ((POSTGRES_PROXY_ROLE,) if t.postgres_cluster else ())
    return [
        "# 1. A service account: it reads the Lockbox secret for the function and invokes the function for the timer.",
        'yc iam service-account get --name "$SA" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
        '  yc iam service-account create --name "$SA" --folder-id "$FOLDER"',
        'SA_ID=$(yc iam service-account get --name "$SA" --folder-id "$FOLDER" --jq .id)',
        *(
            f'yc resource-manager folder add-access-binding "$FOLDER" --role {r} --subject "serviceAccount:$SA_ID"'
            for r in roles
        ),
        "",
    ]


def _lockbox(t: Target, secrets: list[str]) -> list[str]:
    lines = [
        "# 2. The secrets, in Lockbox; the function version refers to them, so they are not plain variables.",
        "#    (An existing secret is kept as it is: change a value with `yc lockbox secret add-version`.)",
    ]
    if t.secret_id:
        lines.append(f"SECRET_ID={shlex.quote(t.secret_id)}")
    else:
        entries = ",\n".join(f'  {{"key": "{name}", "text_value": "${{{name}}}"}}' for name in secrets)
        lines += [
            f"SECRET_NAME={shlex.quote(t.secret_name)}",
            'yc lockbox secret get --name "$SECRET_NAME" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
            '  yc lockbox secret create --name "$SECRET_NAME" --folder-id "$FOLDER" --payload - <<JSON',
            f"[\n{entries}\n]",
            "JSON",
            'SECRET_ID=$(yc lockbox secret get --name "$SECRET_NAME" --folder-id "$FOLDER" --jq .id)',
        ]
    lines.append('SECRET_VERSION=$(yc lockbox secret get "$SECRET_ID" --jq .current_version.id)')
    return [*lines, ""]


def _function(t: Target, plain: list[tuple[str, str]], secrets: list[str]) -> list[str]:
    args = [
        '--function-name "$FUNCTION" --folder-id "$FOLDER"',
        f"--runtime {RUNTIME} --entrypoint {ENTRYPOINT}",
        f"--memory {MEMORY} --execution-timeout {TIMEOUT}",
        f"--source-path {shlex.quote(t.archive)}",
        '--service-account-id "$SA_ID"',
        *(f"--environment {shlex.quote(_csv_field(f'{name}={value}'))}" for name, value in plain),
        *(f'--secret "environment-variable={n},id=$SECRET_ID,version-id=$SECRET_VERSION,key={n}"' for n in secrets),
    ]
    return [
        f"# 3. The function and its version: runtime {RUNTIME}, entry point {ENTRYPOINT}, {MEMORY} (a bigger CPU",
        f"#    share for the cold start, which must fit Pachca's 3 s form deadline), {TIMEOUT} (a drain pass retries",
        "#    a few calls of at most 10 s each). Build the archive first: servicedesk-bot package",
        'yc serverless function get --name "$FUNCTION" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
        '  yc serverless function create --name "$FUNCTION" --folder-id "$FOLDER"',
        "yc serverless function version create \\\n  " + " \\\n  ".join(args),
        "",
        "# 4. Public invocation: Pachca and Tracker cannot send an IAM token; the bridge checks every request itself.",
        'yc serverless function allow-unauthenticated-invoke "$FUNCTION" --folder-id "$FOLDER"',
        'FUNCTION_ID=$(yc serverless function get --name "$FUNCTION" --folder-id "$FOLDER" --jq .id)',
        "",
    ]


def _timer(t: Target) -> list[str]:
    return [
        "# 5. The timer trigger: every minute one drain pass retries what a transient failure left in the outbox.",
        'yc serverless trigger get --name "$FUNCTION-drain" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
        f'  yc serverless trigger create timer --name "$FUNCTION-drain" --folder-id "$FOLDER" --cron-expression '
        f"{shlex.quote(DRAIN_CRON)} "
        '--invoke-function-id "$FUNCTION_ID" --invoke-function-service-account-id "$SA_ID"',
        "",
    ]


def _postgres(t: Target, environ: Mapping[str, str]) -> list[str]:
    if t.postgres_cluster:
        return [
            "# 6. Managed PostgreSQL through «Access from Serverless»: STATE_URL has no password, the invocation's IAM",
            "#    token is used instead; create the database connection in Cloud Functions → Database connections.",
            f"yc managed-postgresql cluster update {shlex.quote(t.postgres_cluster)} --serverless-access "
            '--folder-id "$FOLDER"',
            "",
        ]
    if environ.get("STATE_URL", "").startswith("postgres"):
        return ["# 6. STATE_URL names PostgreSQL: make sure the function can reach it (docs/cloud-functions.md).", ""]
    return [
        "# 6. No STATE_URL: the function keeps its state in /tmp, per instance. For a shared store set",
        "#    STATE_URL=postgresql://… (see --postgres-cluster) and print this script again.",
        "",
    ]


def _after(t: Target) -> list[str]:
    return [
        "# 7. The URL for Pachca's outgoing webhook and for setup:",
        'echo "PUBLIC_URL=https://functions.yandexcloud.net/$FUNCTION_ID"',
        'echo "next: make it the bot\'s webhook URL; run PUBLIC_URL=... servicedesk-bot setup, then doctor"',
    ]


def _csv_field(text: str) -> str:
    """`--environment` reads CSV: a value with a comma or a quote is quoted the CSV way."""
    if any(c in text for c in ',"'):
        return '"' + text.replace('"', '""') + '"'
    return text
