"""The `yc` commands and flags that `servicedesk-bot deploy --print` may use, written from the public CLI reference
(`yc` itself cannot be installed where the tests run). Each entry names the page it was taken from."""

from __future__ import annotations

CLI_REF = "https://yandex.cloud/en/docs/cli/cli-ref"

# flags every command accepts ("Global Flags" on each page below)
GLOBAL_FLAGS = frozenset({"--folder-id", "--folder-name", "--cloud-id", "--profile", "--format", "--jq", "--async"})

COMMANDS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "iam service-account create": (
        frozenset({"--name", "--description", "--labels"}),
        (f"{CLI_REF}/iam/cli-ref/service-account/create",),
    ),
    "iam service-account get": (
        frozenset({"--id", "--name"}),
        (f"{CLI_REF}/iam/cli-ref/service-account/get",),
    ),
    "resource-manager folder add-access-binding": (
        frozenset({"--id", "--name", "--role", "--subject", "--service-account-id", "--service-account-name"}),
        ("https://yandex.cloud/en/docs/resource-manager/cli-ref/folder/add-access-binding",),
    ),
    "lockbox secret create": (
        frozenset(
            {"--name", "--description", "--labels", "--kms-key-id", "--version-description", "--payload"}
            | {"--deletion-protection"}
        ),
        (f"{CLI_REF}/managed-services/lockbox/secret/create",),  # `--payload -` reads the payload from stdin
    ),
    "lockbox secret get": (
        frozenset({"--id", "--name"}),
        ("https://yandex.cloud/en/docs/lockbox/cli-ref/secret/get",),
    ),
    "serverless function create": (
        frozenset({"--name", "--description", "--labels"}),
        (f"{CLI_REF}/managed-services/serverless/function/create",),
    ),
    "serverless function get": (
        frozenset({"--id", "--name"}),
        (f"{CLI_REF}/managed-services/serverless/function/get",),
    ),
    "serverless function version create": (
        frozenset(
            {"--function-id", "--function-name", "--runtime", "--entrypoint", "--memory", "--execution-timeout"}
            | {"--service-account-id", "--source-path", "--source-version-id", "--description", "--environment"}
            | {"--package-bucket-name", "--package-object-name", "--package-sha256", "--tags", "--network-id"}
            | {"--network-name", "--secret"}
        ),
        (
            f"{CLI_REF}/managed-services/serverless/function/version/create",
            # --secret environment-variable=<NAME>,id=<secret id>,version-id=<version id>,key=<key>
            "https://yandex.cloud/en/docs/functions/operations/function/lockbox-secret-transmit",
        ),
    ),
    "serverless function allow-unauthenticated-invoke": (
        frozenset({"--id", "--name"}),
        (f"{CLI_REF}/managed-services/serverless/function/allow-unauthenticated-invoke",),
    ),
    "serverless trigger create timer": (
        frozenset(
            {"--name", "--description", "--labels", "--cron-expression", "--payload", "--invoke-function-id"}
            | {"--invoke-function-name", "--invoke-function-tag", "--invoke-function-service-account-id"}
            | {"--invoke-function-service-account-name"}
        ),
        (f"{CLI_REF}/managed-services/serverless/trigger/create/timer",),
    ),
    "managed-postgresql cluster update": (
        frozenset({"--id", "--name", "--serverless-access", "--websql-access", "--datalens-access"}),
        (
            f"{CLI_REF}/managed-services/managed-postgresql/cluster/update",
            "https://yandex.cloud/en/docs/functions/operations/database-connection",
        ),
    ),
}
