"""`servicedesk-bot deploy --print`: a script of `yc` commands known to the public CLI reference, filled in from
this configuration, with no secret value in it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main
from tests.contracts.yc_reference import COMMANDS, unknown_flags, yc_commands

# the README's own steps: signing in, and the database, which is the operator's choice
README_ONLY = {"init", "config get", "managed-postgresql cluster create"} | {
    "serverless mdbproxy create postgresql",
    "serverless mdbproxy get",
}

SECRETS = {
    "PACHKA_API_TOKEN": "pachca-token-4f9a1c",
    "WEBHOOK_SECRET": "signing-secret-77d2",
    "TRACKER_API_TOKEN": "y0_tracker-token-91ab",
    "TRACKER_WEBHOOK_SECRET": "trigger-secret-3e8c",
    "Y360_OAUTH": "y0_directory-token-5b1f",
}
PLAIN = {
    "TRACKER_ORG_ID": "7654321",
    "TRACKER_QUEUE": "HELP",
    "SUPPORT_CHAT_IDS": "918264,918300",
    "INTAKE_TOPICS": "Доступы;Оборудование",
    "Y360_ORG_ID": "1130000",
    "PUBLIC_URL": "https://functions.yandexcloud.net/d4e1",
}
DB_PASSWORD = "pg-pass-0c7e"
ENV = {**SECRETS, **PLAIN, "STATE_URL": f"postgresql://bridge:{DB_PASSWORD}@db.example:6432/bridge"}


def deploy(*args: str, env: dict[str, str] = ENV) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["deploy", *args], env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_every_printed_command_and_flag_is_in_the_public_yc_reference() -> None:
    code, script = deploy("--print", "--folder-id", "b1gexample", "--postgres-cluster", "servicedesk-pg")

    assert code == 0
    commands = yc_commands(script)
    assert {path for path, _ in commands} == set(COMMANDS) - README_ONLY  # every step is there
    assert unknown_flags(commands) == []


def test_the_version_is_python312_index_handler_with_memory_timeout_and_the_secrets_from_lockbox() -> None:
    _, script = deploy("--print", "--folder-id", "b1gexample")

    version = next(line for line in script.replace("\\\n", " ").splitlines() if "function version create" in line)
    assert "--runtime python312" in version and "--entrypoint index.handler" in version
    assert "--memory 256MB" in version and "--execution-timeout 30s" in version
    for name in [*SECRETS, "STATE_URL"]:
        assert f"environment-variable={name},id=$SECRET_ID,version-id=$SECRET_VERSION,key={name}" in version
        assert f'"key": "{name}", "text_value": "${{{name}}}"' in script
    assert "--environment TRACKER_QUEUE=HELP" in version
    assert """--environment '"SUPPORT_CHAT_IDS=918264,918300"'""" in version  # the CSV quoting yc reads
    assert "FOLDER=b1gexample" in script and "256MB (a bigger CPU" in script


def test_no_secret_value_is_ever_printed() -> None:
    _, script = deploy("--print")

    for value in [*SECRETS.values(), DB_PASSWORD]:
        assert value not in script
    assert "${FOLDER_ID:?" in script  # no folder given: the script asks for it when it runs


def test_an_existing_lockbox_secret_is_used_instead_of_creating_one() -> None:
    _, script = deploy("--print", "--secret-id", "e6q0example")

    assert "SECRET_ID=e6q0example" in script
    assert "lockbox secret create" not in script


def test_the_script_is_valid_bash() -> None:
    _, script = deploy("--print", "--postgres-cluster", "servicedesk-pg")

    checked = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, check=False)

    assert checked.returncode == 0, checked.stderr


def test_without_print_it_runs_nothing_and_says_how() -> None:
    code, output = deploy()

    assert code == 2
    assert "servicedesk-bot deploy --print" in output


def test_an_incomplete_configuration_prints_no_script_and_exits_2() -> None:
    code, output = deploy("--print", env={**ENV, "WEBHOOK_SECRET": "", "TRACKER_ORG_ID": ""})

    assert code == 2
    assert "WEBHOOK_SECRET" in output and "TRACKER_ORG_ID" in output
    assert "yc " not in output


def test_a_postgresql_store_needs_no_driver_on_the_machine_that_prints_the_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # the function installs the driver; this machine need not

    code, output = deploy("--print")

    assert code == 0
    assert '--secret "environment-variable=STATE_URL,' in output
