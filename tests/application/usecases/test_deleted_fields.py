"""Local fields deleted in Tracker made every create fail with 422 for up to a day (the field
ids are cached 24 h), and requesters got an empty thread. A refused create is tried once more with the ids read
again; only a refusal that fresh ids do not change is final."""

from __future__ import annotations

from ports.errors import PermanentFailure
from tests.builders import message
from tests.conftest import Bridge


def card_posted(bridge: Bridge, message_id: int) -> bool:
    posts = bridge.messenger.thread_posts(bridge.messenger.threads[message_id].thread_id)
    return any("SERVICEDESK-" in post.text for post in posts)


def test_a_field_deleted_since_the_ids_were_cached_does_not_stop_new_tickets(bridge: Bridge) -> None:
    bridge.deliver(message(56431))  # the field ids are read and cached
    bridge.tracker.field_keys.remove("pachcaThreadId")  # someone deletes a local field in Tracker
    bridge.reset_calls()

    outcome = bridge.deliver(message(56432, "Принтер не печатает"))

    assert outcome == "created"
    assert card_posted(bridge, 56432)  # the requester's thread is not left empty
    assert bridge.tracker.issues["SERVICEDESK-2"].fields["pachcaMessageId"] == "56432"
    assert bridge.tracker.calls["local_field_ids"] == 1 and bridge.tracker.calls["create_issue"] == 2
    assert bridge.state.stats().dead == 0 and bridge.state.stats().pending == 0


def test_the_ids_read_again_serve_the_following_tickets_without_a_refusal(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.tracker.field_keys.remove("pachcaThreadId")
    bridge.deliver(message(56432))
    bridge.reset_calls()

    assert bridge.deliver(message(56433)) == "created"
    assert bridge.tracker.calls["create_issue"] == 1


def test_a_refusal_that_fresh_ids_do_not_change_is_not_repeated(bridge: Bridge) -> None:
    bridge.deliver(message(56431))
    bridge.tracker.faults.add("create_issue", PermanentFailure("tracker: 422 on POST /v2/issues/: summary", 422))
    bridge.reset_calls()

    assert bridge.deliver(message(56432)) == "failed"
    assert bridge.tracker.calls["create_issue"] == 1 and bridge.tracker.calls["local_field_ids"] == 1
