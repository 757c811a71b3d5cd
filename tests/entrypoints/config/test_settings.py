from __future__ import annotations

import pytest

from entrypoints.config.configuration import ConfigurationError, load_settings, near_misses
from entrypoints.config.settings import known_variables, rule_for

REQUIRED = {"PACHKA_API_TOKEN": "p", "WEBHOOK_SECRET": "w", "TRACKER_API_TOKEN": "t", "TRACKER_ORG_ID": "1"}


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(env)
    assert str(caught.value) == "configuration: " + ", ".join(caught.value.names)
    return caught.value.names


def test_the_original_names_are_read_with_their_defaults() -> None:
    settings = load_settings(REQUIRED)

    assert settings.pachca_api_token.get_secret_value() == "p"
    assert settings.tracker_queue == "SERVICEDESK"
    assert settings.pachca_api_url == "https://api.pachca.com/api/shared/v1"
    assert settings.tracker_base_url == "https://api.tracker.yandex.net"
    assert settings.tracker_web_url == "https://tracker.yandex.ru"
    assert settings.webhook_max_age_seconds == 300
    assert settings.state_url is None and settings.bot_user_id is None


def test_the_pachca_spelling_is_an_alias() -> None:
    env = {**REQUIRED, "PACHCA_API_TOKEN": "other"}
    del env["PACHKA_API_TOKEN"]

    assert load_settings(env).pachca_api_token.get_secret_value() == "other"


def test_lists_are_split_as_documented() -> None:
    settings = load_settings(
        {**REQUIRED, "SUPPORT_CHAT_IDS": "918264, 2637266155", "AGENT_PACHCA_USER_IDS": "12,13",
         "INTAKE_TOPICS": "Доступы; Оборудование;"}
    )  # fmt: skip

    assert settings.support_chat_ids == [918264, 2637266155]
    assert settings.agent_pachca_user_ids == [12, 13]
    assert settings.intake_topics == ["Доступы", "Оборудование"]


def test_the_legacy_create_url_gives_the_api_base_unless_the_api_url_is_set() -> None:
    legacy = {**REQUIRED, "TRACKER_CREATE_URL": "https://tracker.example.net/v2/issues/"}

    assert load_settings(legacy).tracker_base_url == "https://tracker.example.net"
    explicit = {**legacy, "TRACKER_API_URL": "http://127.0.0.1:9000"}
    assert load_settings(explicit).tracker_base_url == "http://127.0.0.1:9000"


def test_every_problem_is_named_at_once_and_no_value_is_shown() -> None:
    env = {"PACHKA_API_TOKEN": "secret-token", "WEBHOOK_MAX_AGE_SECONDS": "soon", "SUPPORT_CHAT_IDS": "a,b",
           "STATE_URL": "ftp://example", "TRACKER_QUEUE": "service desk"}  # fmt: skip

    names = problems(env)

    assert names == sorted(
        ["STATE_URL", "SUPPORT_CHAT_IDS", "TRACKER_API_TOKEN", "TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID",
         "TRACKER_QUEUE", "WEBHOOK_MAX_AGE_SECONDS", "WEBHOOK_SECRET"]
    )  # fmt: skip


@pytest.mark.parametrize("name", ["PACHKA_API_TOKEN", "WEBHOOK_SECRET", "TRACKER_API_TOKEN"])
def test_an_empty_secret_is_missing(name: str) -> None:
    assert problems({**REQUIRED, name: "  "}) == [name]


def test_exactly_one_org_header() -> None:
    both = {**REQUIRED, "TRACKER_CLOUD_ORG_ID": "bpf123"}
    neither = {k: v for k, v in REQUIRED.items() if k != "TRACKER_ORG_ID"}

    assert problems(both) == ["TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID"]
    assert problems(neither) == ["TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID"]
    assert load_settings({**neither, "TRACKER_CLOUD_ORG_ID": "bpf123"}).tracker_cloud_org_id == "bpf123"


@pytest.mark.parametrize(
    "url",
    ["sqlite:///servicedesk-state.db", "sqlite:////tmp/state.db", "memory://", "postgresql://bot@db.internal:6432/sd"],
)
def test_state_urls_of_every_kind_are_accepted_without_connecting(url: str) -> None:
    assert load_settings({**REQUIRED, "STATE_URL": url}).state_url == url


@pytest.mark.parametrize("url", ["sqlite://relative.db", "sqlite:///", "redis://localhost", "postgresql"])
def test_malformed_state_urls_stop_start_up(url: str) -> None:
    assert problems({**REQUIRED, "STATE_URL": url}) == ["STATE_URL"]


def test_retention_is_30_days_by_default_0_is_allowed_and_negative_is_refused() -> None:
    assert load_settings(REQUIRED).retention_days == 30
    assert load_settings({**REQUIRED, "RETENTION_DAYS": "0"}).retention_days == 0
    assert problems({**REQUIRED, "RETENTION_DAYS": "-1"}) == ["RETENTION_DAYS"]
    assert problems({**REQUIRED, "RETENTION_DAYS": "a month"}) == ["RETENTION_DAYS"]


def test_a_misspelt_variable_one_edit_away_gets_a_guess() -> None:
    env = {k: v for k, v in REQUIRED.items() if k != "TRACKER_ORG_ID"} | {"TRACKER_ORGID": "1"}

    with pytest.raises(ConfigurationError) as caught:
        load_settings(env)

    assert "did you mean TRACKER_ORG_ID?" in caught.value.explain()
    assert near_misses({**env, "LOGLEVEL": "DEBUG", "PATH": "/bin", "TRACKER_ORG_I": "x"}) == {
        "TRACKER_ORGID": "TRACKER_ORG_ID", "LOGLEVEL": "LOG_LEVEL", "TRACKER_ORG_I": "TRACKER_ORG_ID"
    }  # fmt: skip
    assert near_misses({**REQUIRED, "LOGLEVEL": "DEBUG", "LOG_LEVEL": "INFO"}) == {}  # the real one is set


def test_a_token_read_from_a_file_loses_its_trailing_newline() -> None:
    settings = load_settings({**REQUIRED, "PACHKA_API_TOKEN": "p\n", "TRACKER_API_TOKEN": " t\r\n"})

    assert settings.secret("pachca_api_token") == "p" and settings.secret("tracker_api_token") == "t"


@pytest.mark.parametrize("name", ["PACHKA_API_TOKEN", "TRACKER_API_TOKEN", "Y360_OAUTH", "TRACKER_WEBHOOK_SECRET"])
def test_a_secret_with_a_line_break_inside_is_refused_without_showing_it(name: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({**REQUIRED, name: "first-half\nsecond-half"})

    assert caught.value.names == [name]
    assert "line break" in caught.value.explain() and "half" not in caught.value.explain()


@pytest.mark.parametrize("seconds", ["0", "86401", str(10**12)])
def test_the_replay_window_is_bounded_to_a_day(seconds: str) -> None:
    assert problems({**REQUIRED, "WEBHOOK_MAX_AGE_SECONDS": seconds}) == ["WEBHOOK_MAX_AGE_SECONDS"]


def test_every_variable_states_its_rule_where_it_is_declared() -> None:
    for name in known_variables():
        rule = rule_for(name)
        assert rule.must.startswith("must "), name
