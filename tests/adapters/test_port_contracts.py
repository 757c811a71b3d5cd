"""One contract per port, run over the in-memory fakes the use-case tests stand on and over the real HTTP adapters
against the sandbox's simulated Pachca and Tracker: what the use cases rely on holds on both, so the fakes stay
honest (a fake that drifts from the adapters fails here, not in production)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from domain.tickets import NewIssue, TicketKey
from entrypoints.composition.container import Container
from entrypoints.config.configuration import load_settings
from entrypoints.sandbox.in_memory import FakeChatMessenger, FakeIssueTracker
from entrypoints.sandbox.simulators.people import BOT_ID, IVAN, OLEG, QUEUE
from entrypoints.sandbox.simulators.world import World
from ports.errors import NotFound
from ports.messenger import ChatMessenger
from ports.tracker import IssueTracker
from tests.conftest import TEST_ENV

SUPPORT_CHAT = 918264


@dataclass
class Side:
    """A port's implementation, and how a person acts on the side it stands for."""

    messenger: ChatMessenger
    tracker: IssueTracker
    world: World | None = None
    fake_messenger: FakeChatMessenger | None = None
    fake_tracker: FakeIssueTracker | None = None

    def someone_writes(self, user_id: int, chat_id: int) -> int:
        """A top-level message a person wrote in a chat; its id."""
        if self.world is not None:
            return self.world.pachca.say(user_id, chat_id, "Не работает вход").id
        assert self.fake_messenger is not None
        message_id = 56_431 + len(self.fake_messenger.messages)
        self.fake_messenger.add_message(message_id, chat_id, user_id)
        return message_id


@pytest.fixture(params=["in-memory fakes", "HTTP adapters against the simulators"])
def side(request: pytest.FixtureRequest) -> Iterator[Side]:
    if request.param == "in-memory fakes":
        messenger, tracker = FakeChatMessenger(bot_id=BOT_ID), FakeIssueTracker(QUEUE)
        for person in (OLEG, IVAN):
            messenger.add_user(person.pachca_id, person.display_name, person.nickname, person.email)
        yield Side(messenger, tracker, fake_messenger=messenger, fake_tracker=tracker)
        return
    with World().served() as world:
        container = Container(settings=load_settings({**TEST_ENV, **world.env()}), state_url="memory://")
        yield Side(container.outside.messenger(), container.outside.tracker(), world=world)


def new_issue(message_id: int, unique: str = "") -> NewIssue:
    fields = {"pachcaMessageId": str(message_id), "pachcaChatId": str(SUPPORT_CHAT)}
    return NewIssue(
        QUEUE, "Не работает вход", "Подробности", unique or f"pachca-{message_id}", ("Создана в Пачке",), fields
    )


# ChatMessenger


def test_the_bot_knows_its_own_id(side: Side) -> None:
    assert side.messenger.own_user_id() == BOT_ID


def test_a_known_person_is_read_by_id_with_their_name(side: Side) -> None:
    person = side.messenger.get_user(OLEG.pachca_id)

    assert (person.id, person.display_name, person.is_bot) == (str(OLEG.pachca_id), OLEG.display_name, False)


def test_a_message_is_read_back_where_it_was_written(side: Side) -> None:
    message_id = side.someone_writes(OLEG.pachca_id, SUPPORT_CHAT)

    read = side.messenger.get_message(message_id)

    assert (read.message_id, read.chat_id, read.user_id, read.thread) == (
        message_id,
        SUPPORT_CHAT,
        OLEG.pachca_id,
        None,
    )


def test_a_message_that_does_not_exist_is_not_found(side: Side) -> None:
    with pytest.raises(NotFound):
        side.messenger.get_message(987_654_321)


def test_opening_a_thread_twice_gives_the_same_thread_rooted_at_the_message(side: Side) -> None:
    message_id = side.someone_writes(OLEG.pachca_id, SUPPORT_CHAT)

    first, again = side.messenger.open_thread(message_id), side.messenger.open_thread(message_id)

    assert first == again
    assert (first.root_message_id, first.root_chat_id) == (message_id, SUPPORT_CHAT)
    assert side.messenger.get_message(message_id).thread == first


def test_posts_in_a_thread_are_read_back_newest_first_and_oldest_first(side: Side) -> None:
    thread = side.messenger.open_thread(side.someone_writes(OLEG.pachca_id, SUPPORT_CHAT))

    card = side.messenger.post_to_thread(thread, "Заявка SERVICEDESK-1")
    note = side.messenger.post_to_thread(thread, "Статус: В работе")

    assert (card.user_id, card.text) == (BOT_ID, "Заявка SERVICEDESK-1")
    assert [m.message_id for m in side.messenger.recent_messages(thread.chat_id)][:2] == [
        note.message_id,
        card.message_id,
    ]
    assert [m.message_id for m in side.messenger.first_messages(thread.chat_id)][:2] == [
        card.message_id,
        note.message_id,
    ]


# IssueTracker


def test_an_issue_created_twice_with_the_same_unique_value_is_one_issue(side: Side) -> None:
    fields = side.tracker.local_field_ids(QUEUE)

    first = side.tracker.create_issue(new_issue(56431), fields)
    again = side.tracker.create_issue(new_issue(56431), fields)

    assert first == again
    assert side.tracker.find_issue_by_message(QUEUE, 56431) == first


def test_an_issue_is_read_back_with_its_summary_and_link_fields(side: Side) -> None:
    key = side.tracker.create_issue(new_issue(56432), side.tracker.local_field_ids(QUEUE))

    issue = side.tracker.get_issue(key)

    assert (issue.key, issue.summary) == (key, "Не работает вход")
    assert issue.local_fields.get("pachcaMessageId") == "56432"


def test_an_issue_that_does_not_exist_is_not_found(side: Side) -> None:
    with pytest.raises(NotFound):
        side.tracker.get_issue(TicketKey(f"{QUEUE}-9999"))


def test_a_comment_is_read_back_by_id_as_the_robots_and_among_the_recent_ones(side: Side) -> None:
    key = side.tracker.create_issue(new_issue(56433), side.tracker.local_field_ids(QUEUE))

    comment_id = side.tracker.add_comment(key, "**Олег Петров** (Пачка):\n\nПосмотрел")

    comment = side.tracker.get_comment(key, comment_id)
    assert (comment.comment_id, comment.text) == (comment_id, "**Олег Петров** (Пачка):\n\nПосмотрел")
    assert comment.author.id == side.tracker.myself().id
    assert comment_id in [c.comment_id for c in side.tracker.recent_comments(key)]


def test_a_transition_offered_moves_the_issue_to_its_status(side: Side) -> None:
    key = side.tracker.create_issue(new_issue(56434), side.tracker.local_field_ids(QUEUE))
    offered = side.tracker.transitions(key)
    assert offered

    side.tracker.execute_transition(key, offered[0].id)

    assert side.tracker.get_issue(key).status_key == offered[0].to_key


def test_what_mypy_checks_holds_at_run_time_too(side: Side) -> None:
    assert isinstance(side.messenger, ChatMessenger) and isinstance(side.tracker, IssueTracker)
