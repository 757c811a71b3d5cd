"""The agents' chat (AGENTS_CHAT_ID): every new ticket announced there; «Взять» assigns it to whoever pressed it."""

from __future__ import annotations

from application.events import ButtonClicked
from domain.people import Person
from entrypoints.sandbox.in_memory import Post
from tests.builders import message, only
from tests.conftest import AGENT, REQUESTER, Bridge, make_bridge

AGENTS_CHAT = 918300
KEY = "SERVICEDESK-1"
STRANGER = 3003


def with_agents_chat(env: dict[str, str] | None = None) -> Bridge:
    bridge = make_bridge({"AGENTS_CHAT_ID": str(AGENTS_CHAT), **(env or {})})
    bridge.directory.by_login["iivanov"] = Person("1130000000002001", "Иван Иванов", "iivanov", "ivanov@example.com")
    bridge.messenger.add_user(STRANGER, "Пётр Сидоров", "psidorov", "psidorov@example.com")
    return bridge


def announced(bridge: Bridge) -> Post:
    bridge.deliver(message(56431, "Не работает вход в 1С\nОшибка 403"))
    post: Post = only(bridge.messenger.chat_posts(AGENTS_CHAT))
    return post


def take(bridge: Bridge, post: Post, user_id: int, trigger: str = "c1") -> str:
    [data] = [b.data for row in post.buttons for b in row if b.text == "Взять"]
    assert data is not None
    return bridge.deliver(ButtonClicked(post.message_id, AGENTS_CHAT, user_id, data, trigger))


def test_a_new_ticket_is_announced_once_with_its_summary_requester_and_buttons() -> None:
    bridge = with_agents_chat()

    post = announced(bridge)
    bridge.deliver(message(56431, "Не работает вход в 1С\nОшибка 403"))  # delivered again

    assert post.text == "Новая заявка **SERVICEDESK-1**: Не работает вход в 1С\nАвтор: Олег Петров"
    assert [[(b.text, b.data or b.url) for b in row] for row in post.buttons] == [
        [("Взять", "claim:SERVICEDESK-1")],
        [("Открыть в Трекере", "https://tracker.yandex.ru/SERVICEDESK-1")],
    ]
    assert len(bridge.messenger.chat_posts(AGENTS_CHAT)) == 1


def test_without_an_agents_chat_nothing_is_announced(bridge: Bridge) -> None:
    bridge.deliver(message(56431))

    assert [p for p in bridge.messenger.posts if p.entity.startswith("chat:")] == []


def test_take_assigns_the_issue_to_the_presser_starts_work_and_shows_who_took_it() -> None:
    bridge = with_agents_chat()
    post = announced(bridge)

    assert take(bridge, post, AGENT) == "claimed"

    issue = bridge.tracker.issues[KEY]
    assert (issue.assignee and issue.assignee.nickname, issue.status) == ("iivanov", "inProgress")
    text, buttons = bridge.messenger.edits[post.message_id]
    assert text.endswith("\nВзял(а) в работу: Иван Иванов")
    assert [b.text for row in buttons for b in row] == ["Открыть в Трекере"]


def test_without_the_directory_tracker_s_user_record_finds_the_login_by_e_mail() -> None:
    bridge = with_agents_chat()
    bridge.directory.by_login.clear()
    bridge.tracker.users["ivanov"] = Person("1130000000002001", "Иван Иванов", "ivanov", "ivanov@example.com")

    assert take(bridge, announced(bridge), AGENT) == "claimed"
    assert bridge.tracker.issues[KEY].assignee == bridge.tracker.users["ivanov"]


def test_a_press_by_someone_without_a_tracker_account_changes_nothing_and_is_told_privately_why() -> None:
    bridge = with_agents_chat()
    post = announced(bridge)

    assert take(bridge, post, STRANGER) == "no_tracker_account"

    issue = bridge.tracker.issues[KEY]
    assert (issue.assignee, issue.status) == (None, "open")
    assert post.message_id not in bridge.messenger.edits
    why = only(bridge.messenger.user_posts(STRANGER)).text
    assert "в Трекере нет пользователя с вашей почтой (psidorov@example.com)" in why
    assert len(bridge.messenger.chat_posts(AGENTS_CHAT)) == 1  # nothing said in the agents' chat


def test_with_agents_configured_only_they_may_take() -> None:
    bridge = with_agents_chat({"AGENT_PACHCA_USER_IDS": str(AGENT)})

    assert take(bridge, announced(bridge), REQUESTER) == "forbidden"
    assert bridge.tracker.issues[KEY].assignee is None
    assert only(bridge.messenger.user_posts(REQUESTER)).text == "Брать заявки в работу может только служба поддержки."


def test_messages_in_the_agents_chat_open_no_ticket() -> None:
    bridge = with_agents_chat()

    assert bridge.deliver(message(1, "Кто возьмёт принтер?", chat_id=AGENTS_CHAT)) == "ignored"
    assert bridge.tracker.issues == {}


def test_a_merged_follow_up_s_announcement_says_so_and_offers_take_no_more() -> None:
    bridge = with_agents_chat()
    announced(bridge)
    bridge.deliver(message(56432, "И сканер тоже"))
    second = bridge.messenger.chat_posts(AGENTS_CHAT)[1]
    card = bridge.messenger.thread_posts(bridge.messenger.threads[56432].thread_id)[0]
    [data] = [b.data for row in card.buttons for b in row if b.text == f"Объединить с {KEY}"]
    assert data is not None

    assert bridge.deliver(ButtonClicked(card.message_id, card.chat_id, REQUESTER, data, "m")) == "merged"

    text, buttons = bridge.messenger.edits[second.message_id]
    assert text.endswith(f"\nОбъединена с **{KEY}**")
    assert [b.text for row in buttons for b in row] == ["Открыть в Трекере"]
