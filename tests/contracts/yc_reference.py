"""The `yc` commands and flags that `servicedesk-bot deploy --print` and the README's deploy guide may use, written
from the public CLI reference (`yc` itself cannot be installed where the tests run). Each entry names its page;
the pages' sources are in https://github.com/yandex-cloud/docs under `en/cli/cli-ref/`."""

from __future__ import annotations

import re
import shlex

REF = "https://yandex.cloud/en/docs/cli/cli-ref"

# the "Global Flags" table of every page below (the ones a deploy script could want)
GLOBAL_FLAGS = frozenset({"--folder-id", "--folder-name", "--cloud-id", "--profile", "--format", "--jq"})
NAME_OR_ID = frozenset({"--id", "--name"})
LABELS = frozenset({"--name", "--description", "--labels", "--async"})

COMMANDS: dict[str, tuple[frozenset[str], str]] = {
    "init": (frozenset(), f"{REF}/init"),
    "config get": (frozenset(), f"{REF}/config/get"),
    "iam service-account create": (LABELS, f"{REF}/iam/cli-ref/service-account/create"),
    "iam service-account get": (NAME_OR_ID, f"{REF}/iam/cli-ref/service-account/get"),
    "resource-manager folder list-access-bindings": (
        NAME_OR_ID | {"--limit"},
        f"{REF}/resource-manager/cli-ref/folder/list-access-bindings",
    ),
    "resource-manager folder add-access-binding": (
        NAME_OR_ID | {"--role", "--subject", "--service-account-id", "--service-account-name", "--async"},
        f"{REF}/resource-manager/cli-ref/folder/add-access-binding",
    ),
    "lockbox secret create": (
        # `--payload -` reads the payload from stdin
        LABELS | {"--kms-key-id", "--version-description", "--payload", "--deletion-protection"},
        f"{REF}/lockbox/cli-ref/secret/create",
    ),
    "lockbox secret get": (NAME_OR_ID, f"{REF}/lockbox/cli-ref/secret/get"),
    "lockbox secret add-version": (
        # `--payload -` reads the changes from stdin; an item with only "key" removes that entry
        NAME_OR_ID | {"--description", "--payload", "--base-version-id", "--async"},
        f"{REF}/lockbox/cli-ref/secret/add-version",
    ),
    "lockbox secret add-access-binding": (
        NAME_OR_ID | {"--role", "--subject", "--service-account-id", "--service-account-name", "--async"},
        f"{REF}/lockbox/cli-ref/secret/add-access-binding",
    ),
    "lockbox secret list-access-bindings": (
        NAME_OR_ID | {"--limit"},
        f"{REF}/lockbox/cli-ref/secret/list-access-bindings",
    ),
    "lockbox payload get": (NAME_OR_ID | {"--key", "--version-id"}, f"{REF}/lockbox/cli-ref/payload/get"),
    "serverless function create": (LABELS, f"{REF}/serverless/cli-ref/function/create"),
    "serverless function get": (NAME_OR_ID, f"{REF}/serverless/cli-ref/function/get"),
    "serverless function add-access-binding": (
        NAME_OR_ID | {"--role", "--subject", "--service-account-id", "--service-account-name", "--async"},
        f"{REF}/serverless/cli-ref/function/add-access-binding",
    ),
    "serverless function list-access-bindings": (
        NAME_OR_ID | {"--limit"},
        f"{REF}/serverless/cli-ref/function/list-access-bindings",
    ),
    "serverless function version get-by-tag": (
        frozenset({"--function-id", "--function-name", "--tag"}),
        f"{REF}/serverless/cli-ref/function/version/get-by-tag",
    ),
    "serverless function logs": (
        NAME_OR_ID | {"--since", "--until", "--follow", "--limit"},
        f"{REF}/serverless/cli-ref/function/logs",
    ),
    "serverless function version create": (
        # --secret environment-variable=<NAME>,id=<secret id>,version-id=<version id>,key=<key>
        frozenset({"--function-id", "--function-name", "--runtime", "--entrypoint", "--memory", "--execution-timeout"})
        | {"--service-account-id", "--source-path", "--source-version-id", "--description", "--environment"}
        | {"--package-bucket-name", "--package-object-name", "--package-sha256", "--tags", "--network-id"}
        | {"--network-name", "--secret", "--async", "--min-log-level", "--tmpfs-size", "--concurrency"},
        f"{REF}/serverless/cli-ref/function/version/create",
    ),
    "serverless function allow-unauthenticated-invoke": (
        NAME_OR_ID | {"--async"},
        f"{REF}/serverless/cli-ref/function/allow-unauthenticated-invoke",
    ),
    "serverless trigger get": (NAME_OR_ID, f"{REF}/serverless/cli-ref/trigger/get"),
    "serverless trigger create timer": (
        LABELS
        | {"--cron-expression", "--payload", "--invoke-function-id", "--invoke-function-name", "--invoke-function-tag"}
        | {"--invoke-function-service-account-id", "--invoke-function-service-account-name"},
        f"{REF}/serverless/cli-ref/trigger/create/timer",
    ),
    "serverless mdbproxy create postgresql": (
        LABELS | {"--cluster-id", "--cluster-name", "--user", "--password", "--database"},
        f"{REF}/serverless/cli-ref/mdbproxy/create/postgresql",
    ),
    "serverless mdbproxy get": (NAME_OR_ID, f"{REF}/serverless/cli-ref/mdbproxy/get"),
    "managed-postgresql cluster create": (
        LABELS
        | {"--environment", "--network-id", "--network-name", "--host", "--user", "--database", "--serverless-access"}
        | {"--websql-access", "--postgresql-version", "--resource-preset", "--disk-size", "--disk-type"}
        | {"--security-group-ids", "--deletion-protection"},
        f"{REF}/managed-postgresql/cli-ref/cluster/create",
    ),
    "managed-postgresql cluster update": (
        NAME_OR_ID | {"--serverless-access", "--websql-access", "--async"},
        f"{REF}/managed-postgresql/cli-ref/cluster/update",
    ),
}


def yc_commands(script: str) -> list[tuple[str, list[str]]]:
    """Every `yc` command in a shell text: its command path (the longest known one) and the flags it passes."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        if line.lstrip().startswith("#"):
            continue
        for fragment in re.findall(r"(?:^|[\s(])yc\s+([^)|<>]*)", line):
            words = shlex.split(fragment)
            path = max((c for c in COMMANDS if words[: len(c.split())] == c.split()), key=len, default=None)
            assert path is not None, f"not in the yc reference: yc {fragment}"
            found.append((path, [w.split("=")[0] for w in words if w.startswith("--")]))
    return found


def unknown_flags(commands: list[tuple[str, list[str]]]) -> list[str]:
    return [
        f"yc {path} {flag}"
        for path, flags in commands
        for flag in flags
        if flag not in COMMANDS[path][0] | GLOBAL_FLAGS
    ]
