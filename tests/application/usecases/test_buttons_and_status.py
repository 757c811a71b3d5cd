from __future__ import annotations

import json

from application.events import ButtonClicked, FormSubmitted
from application.tracker_events import TrackerStatusChanged
from ports.errors import OutcomeUnknown
from tests.builders import SUPPORT_CHAT, message, only
from tests.conftest import AGENT, REQUESTER, Bridge, make_bridge

KEY = "SERVICEDESK-1"


def opened(bridge: Bridge) -> int:
    bridge.deliver(message(56431))
    return bridge.messenger.posts[0].message_id  # the card


def click(bridge: Bridge, card: int, data: str, user_id: int = AGENT, trigger: str = "t1") -> str:
    return bridge.deliver(ButtonClicked(card, 2637266155, user_id, data, trigger))


def status_event(bridge: Bridge) -> str:
    bridge.clock.advance(1)
    return bridge.deliver(TrackerStatusChanged(KEY, bridge.clock.now()))


def test_take_runs_the_workflow_transition_and_the_card_shows_the_status(bridge: Bridge) -> None:
    card = opened(bridge)

    assert click(bridge, card, f"take:{KEY}") == "status_changed"

    assert bridge.tracker.issues[KEY].status == "inProgress"
    text, buttons = bridge.messenger.edits[card]
    assert "В работе" in text
    assert any(b.data == f"close:{KEY}" for row in buttons for b in row)


def test_a_double_click_changes_nothing_the_second_time(bridge: Bridge) -> None:
    card = opened(bridge)
    click(bridge, card, f"close:{KEY}", trigger="t1")

    assert click(bridge, card, f"close:{KEY}", trigger="t2") == "no_transition"
    assert bridge.tracker.calls["execute_transition"] == 1


def test_close_then_reopen(bridge: Bridge) -> None:
    card = opened(bridge)
    click(bridge, card, f"close:{KEY}", trigger="a")
    _, buttons = bridge.messenger.edits[card]
    assert [b.data for row in buttons for b in row if b.data and b.data.startswith("reopen")] == [f"reopen:{KEY}"]

    click(bridge, card, f"reopen:{KEY}", trigger="b")

    assert bridge.tracker.issues[KEY].status == "open"


def test_only_agents_take_tickets_but_the_requester_may_close_their_own() -> None:
    bridge = make_bridge({"AGENT_PACHCA_USER_IDS": str(AGENT)})
    card = opened(bridge)

    assert click(bridge, card, f"take:{KEY}", user_id=REQUESTER, trigger="a") == "forbidden"
    assert click(bridge, card, f"take:{KEY}", user_id=3003, trigger="b") == "forbidden"
    assert bridge.tracker.issues[KEY].status == "open"
    assert click(bridge, card, f"close:{KEY}", user_id=REQUESTER, trigger="c") == "status_changed"
    assert bridge.tracker.issues[KEY].status == "closed"


def test_my_tickets_lists_the_clickers_open_tickets(bridge: Bridge) -> None:
    card = opened(bridge)
    bridge.deliver(message(56432, "Второй вопрос"))

    assert click(bridge, card, "mine", user_id=REQUESTER) == "listed"

    listing = bridge.messenger.user_posts(REQUESTER)[-1].text  # privately: a direct message
    assert listing.startswith("Ваши открытые заявки:")
    assert "SERVICEDESK-1" in listing and "SERVICEDESK-2" in listing


def test_a_status_change_is_announced_once_even_when_the_bridge_made_it(bridge: Bridge) -> None:
    card = opened(bridge)
    click(bridge, card, f"take:{KEY}")

    assert status_event(bridge) == "announced"
    assert status_event(bridge) == "duplicate"  # the trigger fired again for the same change

    thread = bridge.messenger.threads[56431]
    announcements = [p for p in bridge.messenger.thread_posts(thread.thread_id) if p.text.startswith("Статус")]
    assert [p.text for p in announcements] == ["Статус заявки изменён: В работе"]


def test_a_status_change_made_in_tracker_updates_the_card(bridge: Bridge) -> None:
    card = opened(bridge)
    bridge.tracker.issues[KEY].status = "closed"

    status_event(bridge)

    text, _ = bridge.messenger.edits[card]
    assert "Закрыт" in text


def test_new_command_offers_the_form_button_and_the_click_opens_the_form() -> None:
    bridge = make_bridge({"INTAKE_TOPICS": "Доступы;Оборудование"})

    assert bridge.deliver(message(1, "/new")) == "form_offered"
    offer = only(bridge.messenger.chat_posts(SUPPORT_CHAT))
    assert [b.data for row in offer.buttons for b in row] == ["new"]
    assert bridge.tracker.issues == {}

    assert click(bridge, offer.message_id, "new", user_id=REQUESTER, trigger="trig-1") == "form_opened"
    trigger_id, metadata, fields = only(bridge.messenger.forms)
    assert trigger_id == "trig-1" and json.loads(metadata) == {"chat_id": 2637266155}
    assert [f.name for f in fields] == ["topic", "description"]
    assert [text for text, _ in fields[0].options] == ["Доступы", "Оборудование"]


def test_a_form_submission_opens_a_ticket_with_the_topic_in_the_summary() -> None:
    bridge = make_bridge({"INTAKE_TOPICS": "Доступы;Оборудование"})
    submit = FormSubmitted(
        REQUESTER, SUPPORT_CHAT, "intake_form", "{}", (("description", "Нет доступа к 1С"), ("topic", "Доступы"))
    )

    assert bridge.deliver(submit) == "created"
    assert bridge.deliver(submit) == "duplicate"

    issue = only(list(bridge.tracker.issues.values()))
    assert issue.new.summary == "Доступы: Нет доступа к 1С"
    posted = bridge.messenger.chat_posts(SUPPORT_CHAT)[0]
    assert issue.fields["pachcaMessageId"] == str(posted.message_id)


def test_without_topics_new_skips_the_form_and_opens_the_ticket_from_the_text(bridge: Bridge) -> None:
    assert bridge.deliver(message(1, "/new Не печатает принтер на 3 этаже")) == "created"

    issue = only(list(bridge.tracker.issues.values()))
    assert issue.new.summary == "Не печатает принтер на 3 этаже"
    assert bridge.messenger.forms == []


def test_a_word_that_only_starts_like_the_command_is_an_ordinary_message() -> None:
    bridge = make_bridge({"INTAKE_TOPICS": "Доступы"})

    assert bridge.deliver(message(1, "/newbie вопрос")) == "created"


def test_closing_sends_a_resolution_when_the_workflow_needs_one(bridge: Bridge) -> None:
    bridge.tracker.resolution_on_close = "required"
    card = opened(bridge)

    assert click(bridge, card, f"close:{KEY}") == "status_changed"

    assert (bridge.tracker.issues[KEY].status, bridge.tracker.issues[KEY].resolution) == ("closed", "fixed")


def test_closing_works_without_a_resolution_where_the_screen_has_none(bridge: Bridge) -> None:
    bridge.tracker.resolution_on_close = "refused"
    card = opened(bridge)

    assert click(bridge, card, f"close:{KEY}") == "status_changed"

    assert (bridge.tracker.issues[KEY].status, bridge.tracker.issues[KEY].resolution) == ("closed", None)


def test_a_late_redelivery_after_another_edit_does_not_announce_again(bridge: Bridge) -> None:
    card = opened(bridge)
    click(bridge, card, f"take:{KEY}")
    status_event(bridge)
    bridge.tracker.issues[KEY].updated_at = "2026-11-27T11:00:00.000+0000"  # someone edited the issue since

    assert status_event(bridge) == "duplicate"

    thread = bridge.messenger.threads[56431]
    assert [p.text for p in bridge.messenger.thread_posts(thread.thread_id) if p.text.startswith("Статус")] == [
        "Статус заявки изменён: В работе"
    ]


def test_every_real_change_is_announced(bridge: Bridge) -> None:
    card = opened(bridge)
    for data, trigger in ((f"take:{KEY}", "a"), (f"close:{KEY}", "b"), (f"reopen:{KEY}", "c")):
        click(bridge, card, data, trigger=trigger)
        assert status_event(bridge) == "announced"

    thread = bridge.messenger.threads[56431]
    announced = [p.text for p in bridge.messenger.thread_posts(thread.thread_id) if p.text.startswith("Статус")]
    assert announced == [f"Статус заявки изменён: {s}" for s in ("В работе", "Закрыт", "Открыт")]


def test_the_requester_may_close_their_ticket_even_where_the_link_was_lost() -> None:
    first = make_bridge({"AGENT_PACHCA_USER_IDS": str(AGENT)})
    card = opened(first)
    other = make_bridge({"AGENT_PACHCA_USER_IDS": str(AGENT)})  # an instance whose store never saw the ticket
    other.container.outside.tracker.override(first.tracker)
    other.container.outside.messenger.override(first.messenger)

    assert click(other, card, f"close:{KEY}", user_id=REQUESTER) == "status_changed"
    assert click(other, card, f"reopen:{KEY}", user_id=3003, trigger="t2") == "forbidden"


def test_a_lost_answer_to_my_tickets_is_found_in_the_chat_not_posted_twice(bridge: Bridge) -> None:
    card = opened(bridge)
    click(bridge, card, "mine", user_id=REQUESTER, trigger="first")  # the direct chat becomes known
    bridge.messenger.faults.add("post_to_user", OutcomeUnknown("pachca: 502"))

    assert click(bridge, card, "mine", user_id=REQUESTER) == "listed"

    assert len(bridge.messenger.user_posts(REQUESTER)) == 2


def test_a_taken_ticket_offers_only_closing(bridge: Bridge) -> None:
    card = opened(bridge)

    click(bridge, card, f"take:{KEY}")

    _, buttons = bridge.messenger.edits[card]
    assert [b.data for row in buttons for b in row if b.data] == [f"close:{KEY}", "mine"]


def test_a_refused_click_is_told_why() -> None:
    bridge = make_bridge({"AGENT_PACHCA_USER_IDS": str(AGENT)})
    card = opened(bridge)

    assert click(bridge, card, f"take:{KEY}", user_id=REQUESTER) == "forbidden"

    refusal = only(bridge.messenger.chat_posts(2637266155))
    assert refusal.text == "Брать заявки в работу может только служба поддержки."


def test_a_transition_whose_answer_was_lost_still_updates_the_card(bridge: Bridge) -> None:
    card = opened(bridge)
    bridge.tracker.faults.add("execute_transition", OutcomeUnknown("tracker: 502"))

    assert click(bridge, card, f"take:{KEY}") == "queued"
    assert bridge.tracker.issues[KEY].status == "inProgress"  # it did go through
    assert bridge.drain() == (1, 0)

    assert bridge.tracker.calls["execute_transition"] == 1
    assert "В работе" in bridge.messenger.edits[card][0]


def test_my_tickets_leaves_out_tickets_closed_without_a_resolution(bridge: Bridge) -> None:
    bridge.tracker.resolution_on_close = "refused"
    card = opened(bridge)
    click(bridge, card, f"close:{KEY}", trigger="a")

    click(bridge, card, "mine", user_id=REQUESTER, trigger="b")

    assert bridge.messenger.user_posts(REQUESTER)[-1].text == "У вас нет открытых заявок."


def test_the_same_form_sent_again_the_next_day_is_a_new_request() -> None:
    bridge = make_bridge()
    values = (("description", "Нет доступа к 1С"),)
    first = FormSubmitted(REQUESTER, SUPPORT_CHAT, "intake_form", "{}", values, sent_at=1_800_000_000)
    retry = FormSubmitted(REQUESTER, SUPPORT_CHAT, "intake_form", "{}", values, sent_at=1_800_000_030)
    next_day = FormSubmitted(REQUESTER, SUPPORT_CHAT, "intake_form", "{}", values, sent_at=1_800_086_400)

    assert [bridge.deliver(e) for e in (first, retry, next_day)] == ["created", "duplicate", "created"]
    assert len(bridge.tracker.issues) == 2
