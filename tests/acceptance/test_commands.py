"""Every command of the contract, its flags, `--version`, `-h`/`--help`, and exit code 2 for a configuration that is
incomplete, from the installed console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.conftest import run

FLAGS = {
    "sandbox": ["--host", "--port", "--no-browser"],
    "serve": ["--host", "--port", "--poll"],
    "setup": ["--dry-run"],
    "init": [],
    "doctor": [],
    "drain": [],
    "package": ["--output"],
    "deploy": ["--dry-run", "--no-check", "--print"],
}
REQUIRED = ("PACHKA_API_TOKEN", "WEBHOOK_SECRET", "TRACKER_API_TOKEN", "TRACKER_ORG_ID")


def test_version_prints_the_version() -> None:
    done = run("--version")

    assert done.returncode == 0
    assert done.stdout.startswith("servicedesk-bot 0.")


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_help_works_on_the_group_and_names_every_command(option: str) -> None:
    done = run(option)

    assert done.returncode == 0
    assert set(FLAGS) <= set(done.stdout.split())


@pytest.mark.parametrize("option", ["-h", "--help"])
@pytest.mark.parametrize("command", sorted(FLAGS))
def test_help_works_on_every_command_and_names_its_flags(command: str, option: str) -> None:
    done = run(command, option)

    assert done.returncode == 0, done.stderr
    assert f"Usage: servicedesk-bot {command}" in done.stdout
    for flag in FLAGS[command]:
        assert flag in done.stdout


@pytest.mark.parametrize(
    "args", [["serve", "--port", "0"], ["setup"], ["setup", "--dry-run"], ["doctor"], ["drain"], ["deploy", "--print"]]
)
def test_with_no_configuration_every_command_that_needs_it_exits_2_naming_each_variable(
    args: list[str], tmp_path: Path
) -> None:
    done = run(*args, cwd=tmp_path)

    assert done.returncode == 2, done.stdout + done.stderr
    told = done.stdout + done.stderr
    for name in REQUIRED:
        assert name in told
    assert "Traceback" not in told
    assert list(tmp_path.iterdir()) == []  # stopped before opening a store or writing anything


@pytest.mark.parametrize("args", [["drain"], ["deploy", "--print"], ["serve", "--port", "0"]])
def test_a_malformed_value_exits_2_with_its_name_and_never_its_value(args: list[str], tmp_path: Path) -> None:
    env = {
        "PACHCA_API_TOKEN": "token-value-7c1d",
        "WEBHOOK_SECRET": "secret-value-93ab",
        "TRACKER_API_TOKEN": "oauth-value-5e2f",
        "TRACKER_ORG_ID": "7654321",
        "WEBHOOK_MAX_AGE_SECONDS": "soon",
    }
    done = run(*args, env=env, cwd=tmp_path)

    assert done.returncode == 2
    told = done.stdout + done.stderr
    assert "WEBHOOK_MAX_AGE_SECONDS" in told
    assert not any(value in told for value in ("token-value-7c1d", "secret-value-93ab", "oauth-value-5e2f"))


def test_deploy_print_refuses_the_memory_store_the_function_would_refuse(tmp_path: Path) -> None:
    env = {"PACHKA_API_TOKEN": "t", "WEBHOOK_SECRET": "s", "TRACKER_API_TOKEN": "o", "TRACKER_ORG_ID": "1"}
    done = run("deploy", "--print", env={**env, "STATE_URL": "memory://"}, cwd=tmp_path)

    assert done.returncode == 2
    assert "STATE_URL" in done.stderr and done.stdout == ""


def test_both_org_variables_at_once_exit_2_naming_both(tmp_path: Path) -> None:
    env = {"PACHKA_API_TOKEN": "t", "WEBHOOK_SECRET": "s", "TRACKER_API_TOKEN": "o"}
    done = run("drain", env={**env, "TRACKER_ORG_ID": "1", "TRACKER_CLOUD_ORG_ID": "bpf0"}, cwd=tmp_path)

    assert done.returncode == 2
    assert "TRACKER_ORG_ID" in done.stderr and "TRACKER_CLOUD_ORG_ID" in done.stderr


def test_package_needs_no_configuration_and_writes_the_archive_where_told(tmp_path: Path) -> None:
    done = run("package", "--output", str(tmp_path / "out" / "function.zip"), cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "function.zip").stat().st_size > 0


def test_deploy_without_yc_on_path_runs_nothing_and_exits_2(tmp_path: Path) -> None:
    done = run("deploy", cwd=tmp_path, env={"PATH": "/nonexistent"})

    assert done.returncode == 2
    assert "no `yc` on PATH" in done.stderr


def test_an_unknown_option_is_a_usage_error_exit_2() -> None:
    assert run("serve", "--no-such-flag").returncode == 2


CONFIGURED = {"PACHKA_API_TOKEN": "t", "TRACKER_API_TOKEN": "o", "TRACKER_ORG_ID": "1"}
NOWHERE = {"PACHCA_API_URL": "http://127.0.0.1:9/pachca", "TRACKER_API_URL": "http://127.0.0.1:9/tracker"}


@pytest.mark.parametrize("args", [["drain"], ["doctor"], ["setup", "--dry-run"], ["setup"]])
def test_in_poll_mode_no_command_needs_the_webhook_secrets_or_a_public_url(args: list[str], tmp_path: Path) -> None:
    done = run(*args, env={**CONFIGURED, **NOWHERE, "DELIVERY": "poll"}, cwd=tmp_path)

    told = done.stdout + done.stderr
    assert done.returncode in (0, 1), told  # the APIs are unreachable here: a check may fail, the configuration is fine
    assert "is not set" not in told and "Traceback" not in told


def test_servicedesk_env_in_the_working_directory_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "servicedesk.env").write_text(
        "PACHKA_API_TOKEN=from-file\nWEBHOOK_SECRET=from-file\nTRACKER_API_TOKEN=from-file\n"
        "TRACKER_ORG_ID=1\nWEBHOOK_MAX_AGE_SECONDS=soon\n"
    )

    assert run("drain", cwd=tmp_path).returncode == 2  # the file's malformed value is read
    done = run("drain", env={"WEBHOOK_MAX_AGE_SECONDS": "300"}, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr  # the environment's value wins; the file gives the rest
    assert '"outcome": "drained"' in done.stdout
