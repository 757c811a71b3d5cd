"""`setup` keeps internal notes from ever calling the bridge: the comment trigger skips comments with a marker."""

from __future__ import annotations

from application.admin.setup import SetupTracker
from tests.application.admin.test_setup import PUBLIC_URL, QUEUE, SECRET, FakeTrackerAdmin


def test_the_comment_trigger_skips_comments_with_an_internal_note_marker() -> None:
    admin = FakeTrackerAdmin()

    SetupTracker(admin, QUEUE, PUBLIC_URL, SECRET).execute()

    comment, status = admin.stored
    stored = [{k: v for k, v in c.items() if k != "id"} for c in comment.conditions]  # Tracker numbers them
    assert {"type": "CommentNoneMatchCondition", "words": ["#внутр", "#internal"], "ignoreCase": True} in stored
    assert all(c["type"] != "CommentNoneMatchCondition" for c in status.conditions)


def test_changed_markers_update_the_trigger_and_the_same_ones_change_nothing() -> None:
    admin = FakeTrackerAdmin()
    SetupTracker(admin, QUEUE, PUBLIC_URL, SECRET).execute()

    again = SetupTracker(admin, QUEUE, PUBLIC_URL, SECRET, ("#внутр", "#internal")).execute()
    changed = SetupTracker(admin, QUEUE, PUBLIC_URL, SECRET, ("[для своих]",)).execute()

    assert all(not line.startswith("updated") for line in again)
    assert any(line.startswith("updated trigger") for line in changed)
    condition = next(c for c in admin.stored[0].conditions if c["type"] == "CommentNoneMatchCondition")
    assert condition["words"] == ["[для своих]"]
