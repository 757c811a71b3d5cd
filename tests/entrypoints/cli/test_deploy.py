"""`servicedesk-bot deploy` against a `yc` stand-in on PATH (tests/yc_standin.py, written from the public CLI
reference), with Tracker and Pachca played by pytest-httpserver: what it creates, that a second run creates nothing,
that no secret is ever a `yc` argument, each refusal, and `--print`'s script."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from entrypoints.cli.deploy import commands
from entrypoints.cli.deploy.plan import split
from entrypoints.cli.main import main
from entrypoints.config import env_file
from entrypoints.config.env_file import file_values
from tests.contracts.yc_reference import COMMANDS, unknown_flags, yc_commands
from tests.entrypoints.cli.test_admin_cli import TrackerServer
from tests.yc_standin import all_arguments, install

SECRETS = {
    "PACHKA_API_TOKEN": "pachca-token-4f9a1c",
    # a signing secret that tries to end its JSON string and replace the Tracker token's entry
    "WEBHOOK_SECRET": 'sig", "key": "TRACKER_API_TOKEN", "text_value": "forged-7d2',
    "TRACKER_API_TOKEN": "y0_tracker-token-91ab",
    "TRACKER_WEBHOOK_SECRET": "trigger-secret-3e8c",
}
DB_PASSWORD = "pg-pass-0c7e"
SSL_PASSWORD = "key-pass-51aa"
Y360_PASSWORD = "proxy-pass-88f1"
PROXY_STATE_URL = "postgresql://bridge@akf1.postgresql-proxy.serverless.yandexcloud.net:6432/akf1?sslmode=require"
HIDDEN = [*SECRETS.values(), DB_PASSWORD, SSL_PASSWORD, Y360_PASSWORD]


@pytest.fixture
def cloud(tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The stand-in on PATH, `yc init` done; the functions it creates answer at httpserver's /functions/<id>."""
    state = tmp_path / "yc-state.json"
    install(tmp_path / "bin", state)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("YC_STANDIN_STATE", str(state))
    monkeypatch.setenv("YC_STANDIN_INVOKE_BASE", httpserver.url_for("/functions"))
    httpserver.expect_request(re.compile("/functions/.+"), method="GET").respond_with_json({"status": "ok"})
    return state


@pytest.fixture
def tracker(httpserver: HTTPServer) -> TrackerServer:
    """Tracker's queue and triggers, and Pachca's `PUT /bot/webhook`, for the setup deploy runs."""
    return TrackerServer(httpserver)


@pytest.fixture
def env(httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        **SECRETS,
        "TRACKER_ORG_ID": "7654321",
        "SUPPORT_CHAT_IDS": "918264,918300",
        "INTAKE_TOPICS": "Доступы;Оборудование",
        "STATE_URL": f"postgresql://bridge@db.example:6432/bridge?password={DB_PASSWORD}&sslpassword={SSL_PASSWORD}",
        "Y360_API_URL": f"https://robot:{Y360_PASSWORD}@proxy.example/y360",
        "PACHCA_API_URL": httpserver.url_for("/pachca"),
        "TRACKER_API_URL": httpserver.url_for("/tracker"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # the archive is built under dist/ here
    return values


def deploy(*args: str) -> Result:
    return CliRunner().invoke(main, ["deploy", *args], catch_exceptions=False)


def yc_state(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def statuses(output: str) -> list[str]:
    """The status word of each of deploy's own lines (`created       service account …`), not setup's."""
    return [
        m[1] for m in re.finditer(r"^(created|updated|unchanged|would \w+|built|differs|healthy) {2,}", output, re.M)
    ]


def test_a_first_deploy_creates_everything_and_points_tracker_and_pachca_at_the_function(
    cloud: Path, env: dict[str, str], tracker: TrackerServer
) -> None:
    result = deploy()

    assert result.exit_code == 0, result.output
    state = yc_state(cloud)
    [account], [secret], [function], [timer] = (
        state[k] for k in ("service_accounts", "secrets", "functions", "triggers")
    )
    url = function["http_invoke_url"]
    [version] = function["versions"]
    assert (version["runtime"], version["entrypoint"]) == ("python312", "index.handler")
    assert version["service_account_id"] == account["id"]
    lockbox = {entry["key"]: entry["text_value"] for entry in secret["versions"][-1]["entries"]}
    assert lockbox == {
        **SECRETS,
        "STATE_URL": env["STATE_URL"],
        "SUPPORT_CHAT_IDS": "918264,918300",
        "Y360_API_URL": env["Y360_API_URL"],
    }  # every value intact, the forged entry is only text
    assert {s["environment_variable"] for s in version["secrets"]} == set(lockbox)
    assert all(
        s["id"] == secret["id"] and s["version_id"] == secret["current_version"]["id"] for s in version["secrets"]
    )
    assert version["environment"] == {
        "TRACKER_ORG_ID": "7654321",
        "PACHCA_API_URL": env["PACHCA_API_URL"],
        "TRACKER_API_URL": env["TRACKER_API_URL"],
        "INTAKE_TOPICS": "Доступы;Оборудование",
    }
    assert {"role_id": "lockbox.payloadViewer", "subject": {"id": account["id"], "type": "serviceAccount"}} in secret[
        "bindings"
    ]
    assert {"role_id": "functions.functionInvoker", "subject": {"id": "allUsers", "type": "system"}} in function[
        "bindings"
    ]
    assert {"role_id": "functions.functionInvoker", "subject": {"id": account["id"], "type": "serviceAccount"}} in (
        function["bindings"]
    )
    assert state["folder_bindings"] == []  # no database proxy in this STATE_URL, so no proxy role
    assert timer["rule"]["timer"]["invoke_function"] == {
        "function_id": function["id"],
        "function_tag": "$latest",
        "service_account_id": account["id"],
    }
    assert timer["rule"]["timer"]["cron_expression"] == "* * * * ? *"
    # setup ran against the function's URL: Tracker's triggers and the Pachca bot's webhook call it
    assert [t["actions"][0]["endpoint"] for t in tracker.triggers] == [url, url, url]
    assert tracker.pachca_webhook == url
    assert statuses(result.output).count("created") == 8  # account, secret, 2 roles, function, version, public, timer
    assert f"healthy       {url} answers 200" in result.output
    assert result.output.splitlines()[-1] == f"function URL: {url}"


def test_a_second_deploy_creates_nothing(cloud: Path, env: dict[str, str], tracker: TrackerServer) -> None:
    assert deploy().exit_code == 0
    calls_before = len(yc_state(cloud)["calls"])

    second = deploy()

    assert second.exit_code == 0, second.output
    assert set(statuses(second.output)) == {"unchanged", "built", "healthy"}
    later = [" ".join(call["argv"][:4]) for call in yc_state(cloud)["calls"][calls_before:]]
    assert not [call for call in later if re.search(r"create|add-|allow-", call)], later
    assert len(yc_state(cloud)["functions"][0]["versions"]) == 1


def test_a_changed_value_makes_one_new_secret_version_and_one_new_function_version(
    cloud: Path, env: dict[str, str], tracker: TrackerServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert deploy().exit_code == 0
    monkeypatch.setenv("TRACKER_API_TOKEN", "y0_rotated-token")
    monkeypatch.delenv("Y360_API_URL")

    result = deploy()

    assert result.exit_code == 0, result.output
    updated = [line for line in result.output.splitlines() if line.startswith("updated")]
    assert len(updated) == 2 and "TRACKER_API_TOKEN, Y360_API_URL" in updated[0] and "version" in updated[1]
    [secret] = yc_state(cloud)["secrets"]
    entries = {e["key"]: e["text_value"] for e in secret["versions"][-1]["entries"]}
    assert entries["TRACKER_API_TOKEN"] == "y0_rotated-token" and "Y360_API_URL" not in entries
    versions = yc_state(cloud)["functions"][0]["versions"]
    assert len(versions) == 2
    assert {s["version_id"] for s in versions[-1]["secrets"]} == {secret["current_version"]["id"]}
    assert "y0_rotated-token" not in result.output


def test_no_secret_or_password_ever_reaches_a_yc_command_line_or_the_output(
    cloud: Path, env: dict[str, str], tracker: TrackerServer
) -> None:
    first, second = deploy(), deploy("--dry-run")

    arguments = "\0".join(all_arguments(cloud))
    for value in HIDDEN:
        assert value not in arguments
        assert value not in first.output + second.output
    stdin = [call["stdin"] for call in yc_state(cloud)["calls"] if call["stdin"]]
    assert len(stdin) == 1 and json.loads(stdin[0])[1] == {
        "key": "WEBHOOK_SECRET",
        "text_value": SECRETS["WEBHOOK_SECRET"],
    }


def test_a_dry_run_prints_the_plan_and_changes_nothing(
    cloud: Path, env: dict[str, str], tracker: TrackerServer
) -> None:
    result = deploy("--dry-run")

    assert result.exit_code == 0, result.output
    assert "would create service account servicedesk-bot" in " ".join(result.output.split())
    assert "dry run: nothing was changed" in result.output
    state = yc_state(cloud)
    assert state["service_accounts"] == state["secrets"] == state["functions"] == state["triggers"] == []
    assert tracker.triggers == [] and tracker.pachca_webhook == ""


def test_a_function_that_does_not_answer_200_is_a_failed_run_that_says_where_to_look(
    cloud: Path, env: dict[str, str], tracker: TrackerServer, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.clear_all_handlers()
    TrackerServer(httpserver)
    answer = {"ok": False, "error": "configuration: TRACKER_ORG_ID"}
    httpserver.expect_request(re.compile("/functions/.+"), method="GET").respond_with_json(answer, status=503)
    monkeypatch.setattr(commands, "HEALTH_WAIT", 1.0)

    result = deploy()

    assert result.exit_code == 1
    assert "the function did not answer 200 within 1 s (last: 503" in result.output
    assert "yc serverless function logs --name servicedesk-bot" in result.output
    assert result.output.splitlines()[-1].startswith("function URL: ")


# --- refusals: exit 2, the reason and the fix, nothing created ------------------------------------------------------


def test_no_yc_on_path(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    result = deploy()

    assert result.exit_code == 2
    assert "deploy: no `yc` on PATH: install the Yandex Cloud CLI" in result.output
    assert "run `yc init`" in result.output


def test_yc_not_initialised(cloud: Path, env: dict[str, str]) -> None:
    state = yc_state(cloud)
    cloud.write_text(json.dumps({**state, "folder": None}))

    result = deploy()

    assert result.exit_code == 2
    assert "deploy: `yc` is not initialised (it has no folder): run `yc init`" in result.output
    assert yc_state(cloud)["service_accounts"] == []


@pytest.mark.parametrize("state_url", ["", "sqlite:///servicedesk-state.db"])
def test_no_shared_store(cloud: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, state_url: str) -> None:
    monkeypatch.setenv("STATE_URL", state_url)

    result = deploy()

    assert result.exit_code == 2
    assert "STATE_URL must name PostgreSQL (postgresql://…) for deploy: a function's local store" in result.output
    assert yc_state(cloud)["service_accounts"] == []


@pytest.mark.parametrize("missing", ["TRACKER_WEBHOOK_SECRET", "WEBHOOK_SECRET"])
def test_a_required_variable_missing(
    cloud: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv(missing)

    for args in ((), ("--print",)):
        result = deploy(*args)

        assert result.exit_code == 2
        assert f"{missing} is not set" in result.output
        assert "yc " not in result.output
    assert yc_state(cloud)["service_accounts"] == []


# --- where each value goes ------------------------------------------------------------------------------------------


def test_values_with_passwords_or_characters_yc_would_misread_go_to_lockbox() -> None:
    environ = {
        **SECRETS,
        "TRACKER_ORG_ID": "7654321",
        "TRACKER_API_URL": "https://robot:hunter2@tracker.example",
        "PACHCA_API_URL": "https://proxy.example/api?token_password=x",
        "STATE_URL": PROXY_STATE_URL,
        "INTAKE_TOPICS": 'Доступы;"Железо"',
        "TRACKER_QUEUE": "HELP",
        "PUBLIC_URL": "https://functions.yandexcloud.net/d4e1",
    }

    configuration = split(environ)

    assert set(configuration.lockbox) == {*SECRETS, "TRACKER_API_URL", "PACHCA_API_URL", "STATE_URL", "INTAKE_TOPICS"}
    assert configuration.plain == {"TRACKER_ORG_ID": "7654321", "TRACKER_QUEUE": "HELP"}  # PUBLIC_URL: not deployed
    assert configuration.through_proxy  # so the service account gets serverless.mdbProxies.user


def test_the_proxy_role_is_bound_when_state_url_goes_through_a_database_proxy(
    cloud: Path, env: dict[str, str], tracker: TrackerServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATE_URL", PROXY_STATE_URL)

    assert deploy("--no-check").exit_code == 0

    [account] = yc_state(cloud)["service_accounts"]
    assert yc_state(cloud)["folder_bindings"] == [
        {"role_id": "serverless.mdbProxies.user", "subject": {"id": account["id"], "type": "serviceAccount"}}
    ]


# --- deploy --print --------------------------------------------------------------------------------------------------


def test_every_printed_command_and_flag_is_in_the_public_yc_reference(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATE_URL", PROXY_STATE_URL)
    result = deploy("--print", "--folder-id", "b1gexample", "--postgres-cluster", "servicedesk-pg")

    assert result.exit_code == 0, result.output
    commands = yc_commands(result.output)
    assert unknown_flags(commands) == []
    printed = {path for path, _ in commands}
    assert {"lockbox secret create", "lockbox secret add-version", "serverless function version create"} <= printed
    assert {"serverless trigger create timer", "resource-manager folder add-access-binding"} <= printed
    assert printed <= set(COMMANDS)


def test_the_printed_script_is_valid_bash_and_holds_no_secret(env: dict[str, str]) -> None:
    script = deploy("--print").output

    checked = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, check=False)
    assert checked.returncode == 0, checked.stderr
    for value in HIDDEN:
        assert value not in script
    version = next(line for line in script.replace("\\\n", " ").splitlines() if "function version create" in line)
    assert "--runtime python312" in version and "--entrypoint index.handler" in version
    assert '--secret "environment-variable=STATE_URL,id=$SECRET_ID,version-id=$SECRET_VERSION,key=STATE_URL"' in version


def test_the_printed_script_builds_the_lockbox_payload_as_json_from_its_environment(env: dict[str, str]) -> None:
    script = deploy("--print").output
    [payload] = [line for line in script.splitlines() if line.startswith("payload()")]
    names = ["WEBHOOK_SECRET", "TRACKER_API_TOKEN", "STATE_URL"]

    built = subprocess.run(
        ["bash", "-c", f"{payload}\npayload {' '.join(names)}"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(built.stdout) == [{"key": name, "text_value": env[name]} for name in names]


def test_deploy_keeps_the_functions_url_in_servicedesk_env(
    cloud: Path, env: dict[str, str], tracker: TrackerServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "servicedesk.env"
    env_file.write_values({"TRACKER_QUEUE": "SERVICEDESK"}, path)
    monkeypatch.setattr(env_file, "ENV_FILE", path)

    result = deploy("--no-check")

    assert result.exit_code == 0, result.output
    [function] = yc_state(cloud)["functions"]
    assert file_values(path) == {"TRACKER_QUEUE": "SERVICEDESK", "PUBLIC_URL": function["http_invoke_url"]}
    assert f"PUBLIC_URL={function['http_invoke_url']} written to {path}" in result.output
