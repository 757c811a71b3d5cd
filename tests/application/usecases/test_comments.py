from __future__ import annotations

from application.tracker_events import TrackerCommentAdded
from domain.people import Person
from domain.tickets import ThreadRef
from ports.errors import TransientFailure
from tests.builders import message, only, reply
from tests.conftest import AGENT, Bridge, make_bridge

ENGINEER = Person("1130000007986051", "Иван Иванов", "ivanov", "ivanov@example.com")


def opened(bridge: Bridge, message_id: int = 56431) -> ThreadRef:
    bridge.deliver(message(message_id))
    return bridge.messenger.threads[message_id]


def test_a_thread_reply_becomes_one_comment_naming_its_author(bridge: Bridge) -> None:
    thread = opened(bridge)

    assert bridge.deliver(reply(thread, text="Проверил, всё работает.")) == "commented"

    comment = only(bridge.tracker.comments("SERVICEDESK-1"))
    assert comment.text == "**Олег Петров** (Пачка):\n\nПроверил, всё работает."


def test_a_reply_with_a_known_link_costs_one_tracker_call(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread, message_id=1))
    bridge.reset_calls()

    bridge.deliver(reply(thread, message_id=2))

    assert bridge.calls() == 2  # and one Pachca read: a webhook does not say whether the message has files
    assert dict(bridge.tracker.calls) == {"add_comment": 1}
    assert dict(bridge.messenger.calls) == {"message_files": 1}


def test_a_reply_delivered_twice_is_commented_once(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread))

    assert bridge.deliver(reply(thread)) == "duplicate"
    assert len(bridge.tracker.comments("SERVICEDESK-1")) == 1


def test_a_missing_link_is_found_by_tracker_search(bridge: Bridge) -> None:
    thread = opened(bridge)
    other = make_bridge()  # an instance whose store never saw the ticket
    other.container.outside.tracker.override(bridge.tracker)
    other.container.outside.messenger.override(bridge.messenger)

    assert other.deliver(reply(thread)) == "commented"
    assert bridge.tracker.calls["find_issue_by_message"] == 1
    assert len(bridge.tracker.comments("SERVICEDESK-1")) == 1
    other.deliver(reply(thread, message_id=2))
    assert bridge.tracker.calls["find_issue_by_message"] == 1  # the link is remembered now


def test_a_reply_in_a_thread_that_is_no_ticket_is_ignored(bridge: Bridge) -> None:
    thread = opened(bridge)
    unrelated = type(thread)(1, 2, 3, 4)

    assert bridge.deliver(reply(unrelated)) == "not_a_ticket"
    assert bridge.tracker.comments("SERVICEDESK-1") == []


def test_the_bots_own_posts_in_the_thread_are_not_relayed(bridge: Bridge) -> None:
    thread = opened(bridge)
    card = bridge.messenger.posts[0]

    assert bridge.deliver(reply(thread, message_id=card.message_id, user_id=bridge.messenger.bot_id)) == "own_message"
    assert bridge.tracker.comments("SERVICEDESK-1") == []


def test_a_tracker_comment_is_posted_in_the_thread_in_the_contract_format(bridge: Bridge) -> None:
    thread = opened(bridge)
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Перезагрузите, пожалуйста")

    assert bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id)) == "posted"

    post = bridge.messenger.thread_posts(thread.thread_id)[-1]
    assert post.text == "Добавлен комментарий:\nАвтор: Иван Иванов\nПерезагрузите, пожалуйста"


def test_a_tracker_comment_costs_two_calls_when_warm(bridge: Bridge) -> None:
    opened(bridge)
    first = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Первый")
    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", first))
    second = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Второй")
    bridge.reset_calls()

    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", second))

    assert dict(bridge.tracker.calls) == {"get_comment": 1}
    assert dict(bridge.messenger.calls) == {"post_to_thread": 1}


def test_a_comment_written_by_the_robot_is_never_echoed_back(bridge: Bridge) -> None:
    thread = opened(bridge)
    robot_comment = bridge.tracker.human_comment("SERVICEDESK-1", bridge.tracker.robot, "from elsewhere")

    assert bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", robot_comment)) == "own_comment"
    assert len(bridge.messenger.thread_posts(thread.thread_id)) == 1  # only the card


def test_the_bridges_own_comment_is_known_by_id_without_asking_tracker(bridge: Bridge) -> None:
    thread = opened(bridge)
    bridge.deliver(reply(thread))
    own = bridge.tracker.comments("SERVICEDESK-1")[0]
    bridge.reset_calls()

    assert bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", own.comment_id)) == "own_comment"
    assert bridge.calls() == 0


def test_a_tracker_comment_for_an_unlinked_issue_rebuilds_the_link_from_its_fields(bridge: Bridge) -> None:
    thread = opened(bridge)
    other = make_bridge()
    other.container.outside.tracker.override(bridge.tracker)
    other.container.outside.messenger.override(bridge.messenger)
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Готово")

    assert other.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id)) == "posted"
    assert bridge.messenger.thread_posts(thread.thread_id)[-1].text.endswith("Готово")


def test_a_reply_by_an_agent_is_relayed_too(bridge: Bridge) -> None:
    thread = opened(bridge)

    bridge.deliver(reply(thread, user_id=AGENT, text="Беру"))

    assert bridge.tracker.comments("SERVICEDESK-1")[0].text.startswith("**Иван Иванов** (Пачка)")


def test_a_reply_while_its_ticket_is_still_being_opened_waits_for_it(bridge: Bridge) -> None:
    bridge.tracker.faults.add("create_issue", TransientFailure("tracker: 503"))
    assert bridge.deliver(message(56431)) == "queued"
    thread = bridge.messenger.threads[56431]

    assert bridge.deliver(reply(thread, text="Есть новости?")) == "queued"
    assert bridge.drain() == (2, 0)

    assert [c.text for c in bridge.tracker.comments("SERVICEDESK-1")] == ["**Олег Петров** (Пачка):\n\nЕсть новости?"]


def test_one_comment_named_by_its_long_id_and_its_number_is_posted_once(bridge: Bridge) -> None:
    thread = opened(bridge)
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, "Готово")
    long_id = "5fa15a24ac894475dd14ff07"
    bridge.tracker.long_ids[long_id] = comment_id

    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", long_id))
    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))

    assert len(bridge.messenger.thread_posts(thread.thread_id)) == 2  # the card and one relay
