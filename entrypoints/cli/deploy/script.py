"""`servicedesk-bot deploy --print`: the same deployment as `deploy`, as a shell script of `yc` commands.

No value of the Lockbox part is written into it: the script builds the Lockbox payload when it runs, from its own
environment, as JSON (python3's `json`, so a `"` in a token cannot end a string and start another entry), and pipes
it to `yc` on stdin. Plain variables are only those `deploy` would show anyway.
"""

from __future__ import annotations

import shlex

from entrypoints.cli.deploy import plan
from entrypoints.cli.deploy.plan import Configuration, Target

PAYLOAD = (
    "payload() { python3 -c 'import json, os, sys; "
    'print(json.dumps([{"key": k, "text_value": os.environ[k]} for k in sys.argv[1:]]))\' "$@"; }'
)


def render_script(configuration: Configuration, target: Target) -> str:
    lines = [*_preamble(target), *_service_account(), *_lockbox(target, configuration), *_function(target)]
    lines += [*_version(target, configuration), *_timer(), *_postgres(target, configuration), *_after()]
    return "\n".join(lines) + "\n"


def _preamble(t: Target) -> list[str]:
    folder = shlex.quote(t.folder_id) if t.folder_id else '"${FOLDER_ID:-$(yc config get folder-id)}"'
    return [
        "#!/usr/bin/env bash",
        "# Deploys the Pachca ⇄ Tracker bridge as a Yandex Cloud Function (from `servicedesk-bot deploy --print`;",
        "# `servicedesk-bot deploy` does the same itself). Run it where the bridge's variables are exported: the",
        "# secrets are read from them when it runs, never written here.",
        "set -euo pipefail",
        f"FOLDER={folder}",
        "[ -n \"$FOLDER\" ] || { echo 'no folder: run `yc init` first' >&2; exit 2; }",
        f"FUNCTION={shlex.quote(t.function)}",
        f"SA={shlex.quote(t.service_account)}",
        f"SECRET_NAME={shlex.quote(t.secret_name)}",
        "",
    ]


def _service_account() -> list[str]:
    return [
        "# 1. A service account: the version reads the Lockbox secret as it, and the timer calls the function as it.",
        'yc iam service-account get --name "$SA" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
        '  yc iam service-account create --name "$SA" --folder-id "$FOLDER"',
        'SA_ID=$(yc iam service-account get --name "$SA" --folder-id "$FOLDER" --jq .id)',
        "",
    ]


def _lockbox(t: Target, c: Configuration) -> list[str]:
    names = " ".join(c.lockbox)
    return [
        "# 2. The secrets (and every value a plain variable would mangle) in Lockbox, as JSON on stdin.",
        PAYLOAD,
        'SECRET_ID=$(yc lockbox secret get --name "$SECRET_NAME" --folder-id "$FOLDER" --jq .id 2>/dev/null || true)',
        'if [ -z "$SECRET_ID" ]; then',
        f'  payload {names} | yc lockbox secret create --name "$SECRET_NAME" --folder-id "$FOLDER" --payload -',
        '  SECRET_ID=$(yc lockbox secret get --name "$SECRET_NAME" --folder-id "$FOLDER" --jq .id)',
        "else",
        f'  payload {names} | yc lockbox secret add-version --id "$SECRET_ID" --payload -',
        "fi",
        'SECRET_VERSION=$(yc lockbox secret get --id "$SECRET_ID" --jq .current_version.id)',
        f'yc lockbox secret add-access-binding --id "$SECRET_ID" --role {plan.SECRET_ROLE} '
        '--subject "serviceAccount:$SA_ID"',
        "",
    ]


def _function(t: Target) -> list[str]:
    return [
        "# 3. The function; the timer's service account may call it.",
        'yc serverless function get --name "$FUNCTION" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
        '  yc serverless function create --name "$FUNCTION" --folder-id "$FOLDER"',
        'FUNCTION_ID=$(yc serverless function get --name "$FUNCTION" --folder-id "$FOLDER" --jq .id)',
        f'yc serverless function add-access-binding --id "$FUNCTION_ID" --role {plan.INVOKER_ROLE} '
        '--subject "serviceAccount:$SA_ID"',
        "",
    ]


def _version(t: Target, c: Configuration) -> list[str]:
    args = [
        '--function-id "$FUNCTION_ID"',
        f"--runtime {plan.RUNTIME} --entrypoint {plan.ENTRYPOINT}",
        f"--memory {plan.MEMORY} --execution-timeout {plan.TIMEOUT}",
        f"--source-path {shlex.quote(t.archive)}",
        '--service-account-id "$SA_ID"',
        *(f"--environment {shlex.quote(f'{name}={value}')}" for name, value in c.plain.items()),
        *(f'--secret "environment-variable={n},id=$SECRET_ID,version-id=$SECRET_VERSION,key={n}"' for n in c.lockbox),
    ]
    return [
        f"# 4. A version: runtime {plan.RUNTIME}, entry point {plan.ENTRYPOINT}, {plan.MEMORY} (a bigger CPU share "
        "for the cold",
        f"#    start, which must fit Pachca's 3 s form deadline), {plan.TIMEOUT} (a drain pass retries a few calls "
        "of at",
        "#    most 10 s each). Build the archive first: servicedesk-bot package",
        "yc serverless function version create \\\n  " + " \\\n  ".join(args),
        "",
        "# 5. Public invocation: Pachca and Tracker cannot send an IAM token; the bridge checks every request itself.",
        'yc serverless function allow-unauthenticated-invoke --id "$FUNCTION_ID"',
        "",
    ]


def _timer() -> list[str]:
    return [
        "# 6. The timer trigger: every minute one drain pass retries what a transient failure left in the outbox.",
        'yc serverless trigger get --name "$FUNCTION-drain" --folder-id "$FOLDER" >/dev/null 2>&1 ||',
        f'  yc serverless trigger create timer --name "$FUNCTION-drain" --folder-id "$FOLDER" --cron-expression '
        f"{shlex.quote(plan.DRAIN_CRON)} "
        '--invoke-function-id "$FUNCTION_ID" --invoke-function-service-account-id "$SA_ID"',
        "",
    ]


def _postgres(t: Target, c: Configuration) -> list[str]:
    lines = []
    if c.through_proxy:
        lines += [
            "# 7. STATE_URL goes through a Managed PostgreSQL database proxy: the service account may use it.",
            f'yc resource-manager folder add-access-binding --id "$FOLDER" --role {plan.POSTGRES_PROXY_ROLE} '
            '--subject "serviceAccount:$SA_ID"',
        ]
    if t.postgres_cluster:
        lines += [
            "#    The cluster accepts connections from Cloud Functions («Access from Serverless»):",
            f"yc managed-postgresql cluster update --name {shlex.quote(t.postgres_cluster)} --serverless-access "
            '--folder-id "$FOLDER"',
        ]
    return [*lines, ""] if lines else []


def _after() -> list[str]:
    return [
        "# Then point Tracker's triggers and the Pachca bot's webhook at the function, and check it:",
        'echo "PUBLIC_URL=https://functions.yandexcloud.net/$FUNCTION_ID"',
        'echo "next: PUBLIC_URL=https://functions.yandexcloud.net/$FUNCTION_ID servicedesk-bot setup, then doctor"',
    ]
