"""The README's deploy guide and its Russian twin: they name the same commands and variables, count their steps
right, show what `deploy --print` really prints, and use only `yc` commands and flags from the public reference."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from entrypoints.cli.deploy.plan import environment_variables
from entrypoints.cli.main import main
from tests.contracts.yc_reference import unknown_flags, yc_commands

ROOT = Path(__file__).resolve().parents[2]
README, README_RU = (ROOT / name for name in ("README.md", "README.ru.md"))
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
# the READMEs' sections, in order, each with its Russian twin: a section added to one is added to the other
SECTIONS = {
    "What it does": "Что делает",
    "Try it: the sandbox": "Попробовать: песочница",
    "Go live in Yandex Cloud": "Запуск в работу в Yandex Cloud",
    "Configuration": "Конфигурация",
    "Help desk": "Служба поддержки",
    "Nothing lost while the bridge is down; webhooks or poll mode": (
        "Ничего не теряется, пока мост лежит; вебхуки или опрос"
    ),
    "Reference": "Справочник",
    "Contributing": "Участие",
}
SUBSECTIONS = {
    "What crosses the bridge, and what does not": "Что переходит через мост, а что нет",
    "Several support lines (`CHAT_QUEUES`, default none)": (
        "Несколько линий поддержки (`CHAT_QUEUES`, по умолчанию не задан)"
    ),
    "No tickets for «спасибо» (`IGNORE_MESSAGES`)": "Без заявок на «спасибо» (`IGNORE_MESSAGES`)",
    "Rating after closing (`CSAT`, default `on`)": "Оценка после закрытия (`CSAT`, по умолчанию `on`)",
    "The agents' chat (`AGENTS_CHAT_ID`, default none)": "Чат агентов (`AGENTS_CHAT_ID`, по умолчанию не задан)",
    "Follow-ups merged (`FOLLOW_UP_MINUTES`, default `10`; `0` off)": (
        "Объединение уточнений (`FOLLOW_UP_MINUTES`, по умолчанию `10`; `0` — выключено)"
    ),
}
EXAMPLE_ENV = {
    "PACHKA_API_TOKEN": "example-token",
    "WEBHOOK_SECRET": "example-secret",
    "TRACKER_API_TOKEN": "example-oauth",
    "TRACKER_ORG_ID": "7654321",
    "TRACKER_WEBHOOK_SECRET": "example-trigger-secret",
    "SUPPORT_CHAT_IDS": "918264",
    "STATE_URL": "postgresql://bridge@akfexample.postgresql-proxy.serverless.yandexcloud.net:6432/akfexample"
    "?sslmode=require",
}
EXAMPLE_ARGS = ["deploy", "--print", "--folder-id", "b1gexamplefolder", "--postgres-cluster", "servicedesk-pg"]


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def commands(readme: str) -> set[str]:
    named = re.findall(r"\b(servicedesk-bot [a-z]+|servicedesk-bot --version)", readme)
    return {*named, *re.findall(r"(?:`|^)(make [a-z]+)\b", readme, flags=re.MULTILINE)}


def variables(readme: str) -> set[str]:
    known = {*environment_variables()[0], "LOG_FORMAT", "TEST_POSTGRES_URL"}
    return set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", readme)) & known


def deploy_section(readme: str, heading: str) -> str:
    return readme.split(heading, 1)[1].split("\n## ", 1)[0]


def test_both_readmes_name_the_same_commands_and_variables() -> None:
    english, russian = text(README), text(README_RU)

    assert commands(english) == commands(russian)
    assert variables(english) == variables(russian)
    assert set(environment_variables()[0]) <= variables(english)  # every configuration variable is documented
    assert {"servicedesk-bot deploy", "servicedesk-bot --version", "make run", "make test"} <= commands(english)
    assert "(README.ru.md)" in english.split("\n## ", 1)[0]  # linked from the top


def test_each_guide_counts_its_steps_right() -> None:
    for readme, heading, word in (
        (README, "## Go live in Yandex Cloud", "steps"),
        (README_RU, "## Запуск в работу", "шагов"),
    ):
        section = deploy_section(text(readme), heading)
        [count] = re.findall(rf"\*\*(\d+) {word}\*\*", section)
        steps = re.findall(r"^(\d+)\. ", section, flags=re.MULTILINE)
        assert steps == [str(n) for n in range(1, int(count) + 1)], readme.name


def test_the_deploy_details_show_what_deploy_print_really_prints() -> None:
    shown = text(DEPLOY_DOC).split("<!-- deploy-example -->\n```sh\n", 1)[1].split("```\n<!-- /deploy-example -->")[0]

    printed = CliRunner().invoke(main, EXAMPLE_ARGS, env=EXAMPLE_ENV, catch_exceptions=False).output

    assert shown == printed


def test_every_yc_command_in_the_guides_is_in_the_public_reference() -> None:
    for readme in (README, README_RU, DEPLOY_DOC):
        blocks = "\n".join(re.findall(r"```sh\n(.*?)```", text(readme), flags=re.DOTALL))
        found = yc_commands(blocks)
        assert len(found) >= 5
        assert unknown_flags(found) == []


def test_comments_by_e_mail_are_a_documented_choice() -> None:
    """The comment trigger takes only comments written in Tracker; both READMEs say so as a choice."""
    from adapters.tracker.triggers import conditions
    from application.admin.setup import bridge_triggers

    comment, *_ = bridge_triggers("https://example.com/hook", "secret", "1120000000016876")
    assert {"type": "CommentMessageInternal"} in conditions(comment)
    crosses = text(README).split("### What crosses the bridge, and what does not")[1].split("\n## ")[0]
    assert "| a comment that arrived by e-mail | **nothing**, by choice:" in crosses
    assert "по почте, в Пачку не передаются — это выбор" in text(README_RU)


def headings(readme: str, level: str) -> list[str]:
    """The headings of one level, code blocks left out (a script's comments are no headings)."""
    prose = re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    return re.findall(rf"^{level} (.+)$", prose, flags=re.MULTILINE)


def test_both_readmes_have_the_same_sections_in_the_same_order() -> None:
    english, russian = text(README), text(README_RU)

    unknown = [h for h in headings(english, "##") if h not in SECTIONS]
    assert unknown == [], "a new README section: add it to SECTIONS here with its Russian twin, and to README.ru.md"
    assert [SECTIONS[h] for h in headings(english, "##")] == headings(russian, "##")
    assert [SUBSECTIONS.get(h, h) for h in headings(english, "###")] == headings(russian, "###")
    assert list(SECTIONS)[:4] == headings(english, "##")[:4]  # what it does, try it, go live, configure: in that order


def table_rows(readme: str, heading: str) -> int:
    section = readme.split(heading + "\n", 1)[1]
    table = section.split("\n\n| ", 1)[1] if not section.lstrip().startswith("|") else section.lstrip()
    return len([line for line in ("| " + table).split("\n\n", 1)[0].splitlines() if line.startswith("|")])


def test_the_russian_readme_has_the_feature_tables_row_for_row() -> None:
    english, russian = text(README), text(README_RU)

    assert table_rows(english, "## What it does") == table_rows(russian, "## Что делает") >= 8
    crosses = "### What crosses the bridge, and what does not", "### Что переходит через мост, а что нет"
    assert table_rows(english, crosses[0]) == table_rows(russian, crosses[1]) >= 10


def test_the_first_screen_shows_how_to_run_test_and_reach_the_command() -> None:
    for readme in (README, README_RU):
        first_screen = "\n".join(text(readme).splitlines()[:25])
        assert "make run" in first_screen and "make test" in first_screen, readme.name
        assert ". .venv/bin/activate" in first_screen and ".venv/bin/servicedesk-bot" in first_screen, readme.name
        assert 'make run ARGS="--port 8081"' in first_screen, readme.name


def test_no_readme_says_the_names_come_from_an_original_deployment() -> None:
    assert "original deployment" not in text(README)
    assert "исходном развёртывании" not in text(README_RU)
