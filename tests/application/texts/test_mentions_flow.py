from __future__ import annotations

import logging

import pytest

from application.tracker_events import TrackerCommentAdded
from domain.people import Person
from domain.text.pachca_text import QUIET
from domain.tickets import ThreadRef
from ports.errors import TransientFailure
from tests.builders import message, reply
from tests.conftest import AGENT, Bridge, make_bridge
from tests.people import ENGINEER

IVAN_IN_TRACKER = Person("1130000000000777", "Иван Иванов", "ivanov", "ivanov@example.com")


def opened(bridge: Bridge) -> ThreadRef:
    bridge.deliver(message(56431))
    return bridge.messenger.threads[56431]


def tracker_says(bridge: Bridge, text: str) -> str:
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, text)
    bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))
    thread = bridge.messenger.threads[56431]
    return bridge.messenger.thread_posts(thread.thread_id)[-1].text


@pytest.fixture
def staffed(bridge: Bridge) -> Bridge:
    bridge.directory.by_login["ivanov"] = IVAN_IN_TRACKER
    bridge.tracker.users["ivanov"] = IVAN_IN_TRACKER
    opened(bridge)
    return bridge


def test_a_tracker_mention_reaches_the_person_in_pachca(staffed: Bridge) -> None:
    text = tracker_says(staffed, "@ivanov, посмотри, пожалуйста")

    assert text.endswith("@ivan_ivanov, посмотри, пожалуйста")


def test_the_second_comment_mentioning_the_same_person_makes_no_directory_call(staffed: Bridge) -> None:
    tracker_says(staffed, "@ivanov посмотри")
    staffed.reset_calls()

    text = tracker_says(staffed, "Ещё раз, @ivanov")

    assert text.endswith("Ещё раз, @ivan_ivanov")
    assert staffed.directory.calls == 0
    assert staffed.messenger.calls["search_users"] == 0
    assert staffed.calls() == 2  # fetch the comment, post it


def test_the_next_cold_instance_reuses_the_cached_identity(staffed: Bridge) -> None:
    tracker_says(staffed, "@ivanov посмотри")
    cold = make_bridge(state=staffed.state)  # a new instance on the same shared store
    cold.container.outside.tracker.override(staffed.tracker)
    cold.container.outside.messenger.override(staffed.messenger)
    cold.container.outside.directory.override(staffed.directory)
    staffed.reset_calls()

    comment_id = staffed.tracker.human_comment("SERVICEDESK-1", ENGINEER, "@ivanov ну что?")
    cold.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))

    assert staffed.directory.calls == 0
    assert staffed.messenger.calls["search_users"] == 0


def test_an_unknown_mention_is_left_as_written_and_its_miss_is_cached(staffed: Bridge) -> None:
    assert tracker_says(staffed, "@nobody глянь").endswith(f"@{QUIET}nobody глянь")
    staffed.reset_calls()

    assert tracker_says(staffed, "@nobody ау").endswith(f"@{QUIET}nobody ау")
    assert staffed.directory.calls == 0 and staffed.messenger.calls["search_users"] == 0


def test_a_pachca_mention_summons_the_person_in_tracker(staffed: Bridge) -> None:
    thread = staffed.messenger.threads[56431]

    staffed.deliver(reply(thread, text="@ivan_ivanov глянь, пожалуйста"))

    comment = staffed.tracker.comments("SERVICEDESK-1")[-1]
    assert staffed.tracker.last_summonees == ["ivanov"]
    assert "@ivanov глянь" in comment.text


def test_an_unresolved_pachca_mention_is_never_sent_as_a_summonee(staffed: Bridge) -> None:
    thread = staffed.messenger.threads[56431]

    staffed.deliver(reply(thread, text="@olegpetrov и @ghost, смотрите"))

    assert staffed.tracker.last_summonees == []
    assert "@olegpetrov и @ghost, смотрите" in staffed.tracker.comments("SERVICEDESK-1")[-1].text


def test_without_a_directory_tracker_user_record_gives_the_email(bridge: Bridge) -> None:
    bridge.container.outside.directory.override(None)
    bridge.tracker.users["ivanov"] = IVAN_IN_TRACKER
    opened(bridge)

    assert tracker_says(bridge, "@ivanov").endswith("@ivan_ivanov")


def test_the_email_domain_is_the_last_guess() -> None:
    bridge = make_bridge({"PACHCA_EMAIL_DOMAIN": "example.com"})
    bridge.container.outside.directory.override(None)
    opened(bridge)

    assert tracker_says(bridge, "@ivanov?").endswith("@ivan_ivanov?")


def test_a_directory_that_is_down_only_skips_to_trackers_record(staffed: Bridge) -> None:
    staffed.directory.down = TransientFailure("y360: 503")

    assert tracker_says(staffed, "@ivanov").endswith("@ivan_ivanov")


def test_hidden_emails_fall_back_to_nicknames_with_one_warning(
    bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    for user_id, person in list(bridge.messenger.users.items()):
        bridge.messenger.users[user_id] = Person(person.id, person.display_name, person.nickname, None, person.is_bot)
    bridge.messenger.add_user(3003, "Пётр Сидоров", "psidorov")
    opened(bridge)
    caplog.set_level(logging.WARNING)

    assert tracker_says(bridge, "@psidorov").endswith("@psidorov")
    tracker_says(bridge, "@ivan_ivanov")

    warnings = [r for r in caplog.records if "hides e-mails" in r.getMessage()]
    assert len(warnings) == 1


def test_mentions_inside_code_are_not_touched(staffed: Bridge) -> None:
    text = tracker_says(staffed, "Выполни `ssh @ivanov` и напиши @ivanov")

    assert text.endswith("Выполни `ssh @ivanov` и напиши @ivan_ivanov")
    assert AGENT in staffed.messenger.users


def test_the_directory_is_walked_once_for_everyone_not_once_per_person(staffed: Bridge) -> None:
    petr = Person("1130000000000888", "Пётр Сидоров", "psidorov", "psidorov@example.com")
    staffed.directory.by_login["psidorov"] = petr
    staffed.messenger.add_user(3003, "Пётр Сидоров", "petr_s", "psidorov@example.com")

    assert tracker_says(staffed, "@ivanov").endswith("@ivan_ivanov")
    assert tracker_says(staffed, "@psidorov и @nobody").endswith(f"@petr_s и @{QUIET}nobody")

    assert staffed.directory.calls == 1
