"""Events refused because the bridge did not open that conversation are counted
by `doctor` on their own line, apart from events given up after retries."""

from __future__ import annotations

from application.admin.checks import Status
from application.once.inbox import REFUSED
from application.tracker_events import TrackerCommentAdded
from tests.application.admin.test_doctor import Parts
from tests.application.usecases.test_posts_only_where_the_bridge_opened import issue_typed_in_tracker
from tests.conftest import AGENT, Bridge


def test_a_refused_event_is_kept_with_its_reason(bridge: Bridge) -> None:
    bridge.messenger.add_message(777_001, 555_001, 42)
    key = issue_typed_in_tracker(bridge, 777_001)
    comment_id = bridge.tracker.human_comment(key, bridge.messenger.users[AGENT], "Фишинг")

    assert bridge.deliver(TrackerCommentAdded(key, comment_id)) == REFUSED

    (dead,) = bridge.state.dead()
    assert dead.last_error == f"{REFUSED}: {key}: message 777001 has no thread: the bridge never answered it"


def test_doctor_counts_refused_events_apart_from_given_up_ones() -> None:
    parts = Parts()
    for n in range(3):
        parts.state.claim(f"tracker:comment:SERVICEDESK-9:{n}", "tracker.comment", "{}", 1.0, 30.0)
        parts.state.bury(f"tracker:comment:SERVICEDESK-9:{n}", f"{REFUSED}: SERVICEDESK-9: message 7 has no thread")
    parts.state.claim("pachca:message:1", "pachca.message", "{}", 1.0, 30.0)
    parts.state.bury("pachca:message:1", "tracker: 422 on POST /v2/issues/")

    checks = parts.by_check()

    refused = checks["refused events"]
    assert refused.status is Status.WARN
    assert refused.detail.startswith("3 events refused: the bridge posts only where it opened the conversation")
    assert "SERVICEDESK-9: message 7 has no thread" in refused.detail
    assert checks["dead events"].detail.startswith("1 events were given up after retries: pachca:message:1")
