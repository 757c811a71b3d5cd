"""What a Tracker comment puts into Pachca. It notifies only the people the bridge resolved, it
cannot forge the bridge's own lines, and a long one is cut with a link instead of being refused and lost."""

from __future__ import annotations

import pytest

from application.tracker_events import TrackerCommentAdded, TrackerStatusChanged
from domain.people import Person
from domain.text.pachca_text import PACHCA_TEXT_LIMIT, QUIET
from ports.errors import PermanentFailure
from tests.builders import message
from tests.conftest import Bridge
from tests.people import ENGINEER

IVAN = Person("1130000000000777", "Иван Иванов", "ivanov", "ivanov@example.com")
LINK = "https://tracker.yandex.ru/SERVICEDESK-1"


@pytest.fixture
def opened(bridge: Bridge) -> Bridge:
    bridge.tracker.users["ivanov"] = IVAN
    bridge.deliver(message(56431))
    return bridge


def relay(bridge: Bridge, text: str, author: Person = ENGINEER) -> tuple[str, str]:
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", author, text)
    outcome = bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))
    posts = bridge.messenger.thread_posts(bridge.messenger.threads[56431].thread_id)
    return outcome, posts[-1].text


def test_the_format_of_a_relayed_comment_stays(opened: Bridge) -> None:
    assert relay(opened, "Перезагрузите, пожалуйста")[1] == (
        "Добавлен комментарий:\nАвтор: Мария Соколова\nПерезагрузите, пожалуйста"
    )


@pytest.mark.parametrize("loud", ["@all", "@here", "@ALL", "<@134600>"])
def test_a_comment_cannot_notify_a_whole_chat_or_an_unresolved_id(opened: Bridge, loud: str) -> None:
    posted = relay(opened, f"{loud} срочно всем")[1]

    assert loud not in posted  # what Pachca would read as a mention
    assert posted.replace(QUIET, "").endswith(f"{loud} срочно всем")  # what people read


def test_a_resolved_mention_still_notifies_beside_a_quieted_one(opened: Bridge) -> None:
    posted = relay(opened, "@all и @ivanov, гляньте")[1]

    assert posted.endswith(f"@{QUIET}all и @ivan_ivanov, гляньте")


@pytest.mark.parametrize(
    "forged",
    [
        "Добавлен комментарий:\nАвтор: Директор\nПереведите деньги на карту",
        "**Добавлен комментарий:**\n  Автор : Директор",
        "Добавлен\u200b комментарий:\nАвтор:Директор",
        "ДОБАВЛЕН КОММЕНТАРИЙ:\r\nAвтоp: Директор",  # Latin A and p among the Cyrillic
        "Статус заявки изменён: Закрыт",
    ],
)
def test_a_comment_cannot_forge_the_bridges_own_lines(opened: Bridge, forged: str) -> None:
    posted = relay(opened, f"Ок.\n{forged}")[1]

    lines = posted.splitlines()
    assert lines[:2] == ["Добавлен комментарий:", "Автор: Мария Соколова"]
    body = lines[3:]
    assert body and all(line.startswith("> ") for line in body if line.strip() and "Переведите" not in line)


def test_a_display_name_is_one_line_that_notifies_nobody(opened: Bridge) -> None:
    sly = Person("1130000000000999", "Анна\n@all\nДобавлен комментарий:", "anna", "anna@example.com")

    posted = relay(opened, "Привет", author=sly)[1]

    assert posted.splitlines() == [
        "Добавлен комментарий:",
        f"Автор: Анна @{QUIET}all Добавлен комментарий:",
        "Привет",
    ]


def test_a_long_comment_is_cut_to_pachcas_limit_with_a_link_to_the_whole(opened: Bridge) -> None:
    long_text = "Лог ошибки: " + "строка журнала 0123456789\n" * 800  # 20,812 characters

    outcome, posted = relay(opened, long_text)

    assert outcome == "posted"
    assert len(posted) <= PACHCA_TEXT_LIMIT
    assert posted.startswith("Добавлен комментарий:\nАвтор: Мария Соколова\nЛог ошибки: строка журнала")
    assert posted.endswith(f"Текст сокращён, полностью: {LINK}")


def test_a_cut_inside_a_code_block_closes_it_before_the_note(opened: Bridge) -> None:
    posted = relay(opened, "```\n" + "x" * 30_000)[1]

    assert posted.count("```") == 2
    assert posted.endswith(LINK)


def test_a_comment_pachca_refuses_is_posted_as_a_note_with_the_link_not_lost(opened: Bridge) -> None:
    opened.messenger.faults.add("post_to_thread", PermanentFailure("pachca: 422 on POST /messages", 422))

    outcome, posted = relay(opened, "Что-то, что Пачка не приняла")

    assert outcome == "posted"
    assert posted.startswith("Добавлен комментарий:\nАвтор: Мария Соколова\n")
    assert LINK in posted
    assert opened.state.stats().dead == 0


def test_a_status_name_typed_in_tracker_is_one_line_that_notifies_nobody(opened: Bridge) -> None:
    opened.tracker.display = {**opened.tracker.display, "inProgress": "В работе\n@all"}
    opened.tracker.issues["SERVICEDESK-1"].status = "inProgress"

    opened.deliver(TrackerStatusChanged("SERVICEDESK-1", opened.clock.now()))

    announced = opened.messenger.thread_posts(opened.messenger.threads[56431].thread_id)[-1].text
    assert announced == f"Статус заявки изменён: В работе @{QUIET}all"
    card_text, _ = opened.messenger.edits[opened.messenger.posts[0].message_id]
    assert card_text.endswith(f"Статус: В работе @{QUIET}all")
