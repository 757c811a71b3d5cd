"""A bad configuration, as a newcomer meets it: each variable named, why it is wrong and a good value, in the same
words from `serve`, every command, `doctor` and the function's log; the function's 503 names the variables only."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main
from entrypoints.config.configuration import ConfigurationError, load_settings
from entrypoints.function import handler as function
from tests.conftest import TEST_ENV
from tests.entrypoints.conftest import call_function

GOOD = {k: v for k, v in TEST_ENV.items() if k != "STATE_URL"}
# the example: set, but wrong
BAD = {**GOOD, "BOT_USER_ID": "abc", "STATE_URL": "mysql://x", "LOG_LEVEL": "LOUD"}
EXPECTED = [
    "BOT_USER_ID must be a whole number: the bot's Pachca user id (the bot's «API» tab); for example BOT_USER_ID=4827",
    "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; for example LOG_LEVEL=INFO",
    "STATE_URL scheme 'mysql' is not supported; use memory://, sqlite:///relative/path.db, "
    "sqlite:////absolute/path.db or postgresql://…; for example STATE_URL=sqlite:///servicedesk-state.db",
]


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    blank = dict.fromkeys({*TEST_ENV, "TRACKER_CLOUD_ORG_ID", "INTAKE_TOPICS", "PACHKA_API_TOKEN"})
    result = CliRunner().invoke(main, args, env={**blank, **env})
    return result.exit_code, result.stderr if args[0] != "doctor" else result.stdout


def sentences(error: ConfigurationError) -> list[str]:
    return [found.text for found in error.problems]


def test_each_bad_value_is_named_with_why_and_a_good_value() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(BAD)

    assert caught.value.names == ["BOT_USER_ID", "LOG_LEVEL", "STATE_URL"]
    assert sentences(caught.value) == EXPECTED
    assert "abc" not in caught.value.explain() and "LOUD" not in caught.value.explain()


@pytest.mark.parametrize("command", [["setup", "--dry-run"], ["drain"], ["serve"]])
def test_every_command_prints_the_same_sentences_and_exits_2(command: list[str]) -> None:
    code, output = run(command, BAD)

    assert code == 2
    assert output.splitlines() == ["configuration is incomplete or invalid (README, «Configuration»):"] + [
        f"  {line}" for line in EXPECTED
    ]
    assert "Set these environment variables" not in output


def test_doctor_prints_them_as_failed_checks_and_exits_2() -> None:
    code, output = run(["doctor"], BAD)

    assert code == 2
    assert output.splitlines() == [f"FAIL configuration: {line}" for line in EXPECTED]


def test_the_function_answers_names_only_and_logs_the_same_sentences(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in BAD.items():
        monkeypatch.setenv(name, value)
    function.reset()
    try:
        replies = [call_function("GET"), call_function("POST", b"{}")]
    finally:
        function.reset()

    assert {(r.status, json.dumps(r.body)) for r in replies} == {
        (503, json.dumps({"ok": False, "error": "configuration: BOT_USER_ID, LOG_LEVEL, STATE_URL"}))
    }
    [logged] = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "configuration" in line]
    assert logged["level"] == "ERROR" and logged["names"] == ["BOT_USER_ID", "LOG_LEVEL", "STATE_URL"]
    assert logged["message"].splitlines()[1:] == [f"  {line}" for line in EXPECTED]


def test_both_organisation_ids_say_to_unset_one() -> None:
    code, output = run(["drain"], {**GOOD, "TRACKER_CLOUD_ORG_ID": "bpf3crucp1v2example"})

    assert code == 2
    assert "TRACKER_ORG_ID and TRACKER_CLOUD_ORG_ID are both set: unset one." in output
    assert "set exactly one" not in output


def test_neither_organisation_id_says_to_set_one() -> None:
    code, output = run(["drain"], {k: v for k, v in GOOD.items() if k != "TRACKER_ORG_ID"})

    assert code == 2
    assert "neither TRACKER_ORG_ID nor TRACKER_CLOUD_ORG_ID is set: set exactly one" in output


def test_postgresql_without_its_driver_is_a_configuration_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were not installed
    env = {**GOOD, "STATE_URL": "postgresql://bridge@db.example:6432/bridge"}

    code, output = run(["serve"], env)

    assert code == 2
    assert (
        "STATE_URL names PostgreSQL, but the PostgreSQL driver is not installed: install the postgres extra, " in output
    )
    assert "pip install 'servicedesk-pachca-bot[postgres]'" in output
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    function.reset()
    try:
        health = call_function("GET")
    finally:
        function.reset()
    assert (health.status, health.body) == (503, {"ok": False, "error": "configuration: STATE_URL"})
    assert "servicedesk-pachca-bot[postgres]" in capsys.readouterr().out


def test_intake_topics_must_fit_a_pachca_form() -> None:
    assert len(load_settings({**GOOD, "INTAKE_TOPICS": ";".join(["т" * 75] * 100)}).intake_topics) == 100

    with pytest.raises(ConfigurationError) as many:
        load_settings({**GOOD, "INTAKE_TOPICS": ";".join(f"тема {n}" for n in range(101))})
    with pytest.raises(ConfigurationError) as long:
        load_settings({**GOOD, "INTAKE_TOPICS": "Доступы;" + "д" * 76})

    assert sentences(many.value) == [
        "INTAKE_TOPICS has 101 topics; a Pachca form offers at most 100; "
        "for example INTAKE_TOPICS=Доступы;Оборудование;Другое"
    ]
    assert sentences(long.value)[0].startswith(
        "INTAKE_TOPICS has topics longer than 75 characters, Pachca's limit: number 2;"
    )


def test_log_format_is_json_or_text() -> None:
    assert load_settings({**GOOD, "LOG_FORMAT": "Text"}).log_format == "text"
    assert load_settings({**GOOD, "LOG_FORMAT": ""}).log_format is None
    with pytest.raises(ConfigurationError) as caught:
        load_settings({**GOOD, "LOG_FORMAT": "xml"})
    assert sentences(caught.value) == ["LOG_FORMAT must be json or text; for example LOG_FORMAT=text"]
