from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.tracker.trigger_diff import differences
from adapters.tracker.triggers import StoredTrigger, conditions, webhook
from application.admin.setup import SetupIncomplete, SetupTracker, bridge_triggers
from application.tracker_events import TRACKER_EVENTS
from domain.people import Person
from domain.tickets import QUEUE_FIELDS, LinkField
from ports.admin import LocalField, Queue, TrackerAdmin
from ports.errors import NotFound, PermanentFailure, TransientFailure
from ports.triggers import BridgeTrigger, Trigger

COMMENT_KIND, STATUS_KIND = TRACKER_EVENTS.by_type["issueCommentEvent"], TRACKER_EVENTS.by_type["issueStatusEvent"]
ASSIGNEE_KIND = TRACKER_EVENTS.by_type["issueAssigneeEvent"]
COMMENT_TRIGGER, STATUS_TRIGGER = COMMENT_KIND.trigger.name, STATUS_KIND.trigger.name
ASSIGNEE_TRIGGER = ASSIGNEE_KIND.trigger.name
COMMENT_EVENT_BODY, STATUS_EVENT_BODY = COMMENT_KIND.trigger.body, STATUS_KIND.trigger.body
ASSIGNEE_EVENT_BODY = ASSIGNEE_KIND.trigger.body

QUEUE = "SERVICEDESK"
PUBLIC_URL = "https://functions.yandexcloud.net/d4e0000000000000000"
SECRET = "tracker-trigger-secret"
ROBOT = "robot-servicedesk"
ROBOT_UID = "1120000000016876"
PREFIX = "6063181a59590578909db920"
FIELD_KEYS = [spec.key for spec in QUEUE_FIELDS]


class FakeTrackerAdmin:
    """Keeps a queue's fields and triggers the way Tracker does: with ids and versions of its own, and the triggers
    in Tracker's JSON (as the adapter renders them), compared the way the adapter compares them."""

    def __init__(self) -> None:
        self.robot = Person(id=ROBOT_UID, display_name="Робот", nickname=ROBOT)
        self.words_as = "words"  # how this Tracker stores the internal-note condition's words (`word` or `words`)
        self.shapes: dict[str, str] = {}
        self.queues = {QUEUE: Queue(QUEUE, "Служба поддержки")}
        self.fields: list[LocalField] = []
        self.stored: list[StoredTrigger] = []
        self.writes: list[str] = []
        self.failing: dict[str, Exception] = {}

    def myself(self) -> Person:
        self._maybe_fail("myself")
        return self.robot

    def answer_shapes(self) -> dict[str, str]:
        return dict(self.shapes)

    def queue(self, key: str) -> Queue:
        self._maybe_fail("queue")
        if key not in self.queues:
            raise NotFound(f"tracker: 404 on GET /v2/queues/{key}")
        return self.queues[key]

    def local_fields(self, queue: str) -> list[LocalField]:
        self._maybe_fail("local_fields")
        return list(self.fields)

    def create_local_field(self, queue: str, spec: LinkField) -> LocalField:
        self._maybe_fail("create_local_field")
        field = LocalField(id=f"{PREFIX}--{spec.key}", key=spec.key)
        self.fields.append(field)
        self.writes.append(f"create field {spec.key}")
        return field

    def triggers(self, queue: str) -> list[Trigger]:
        self._maybe_fail("triggers")
        return list(self.stored)

    def create_trigger(self, queue: str, spec: BridgeTrigger) -> Trigger:
        self._maybe_fail("create_trigger")
        trigger = stored_like_tracker(spec, trigger_id=str(len(self.stored) + 1), version=1, words_as=self.words_as)
        self.stored.append(trigger)
        self.writes.append(f"create trigger {spec.name}")
        return trigger

    def update_trigger(self, queue: str, current: Trigger, spec: BridgeTrigger) -> Trigger:
        index = next(i for i, t in enumerate(self.stored) if t.id == current.id)
        if self.stored[index].version != current.version:
            raise PermanentFailure("tracker: 409 on PATCH", 409)
        trigger = stored_like_tracker(spec, current.id, current.version + 1, words_as=self.words_as)
        self.stored[index] = trigger
        self.writes.append(f"update trigger {spec.name}")
        return trigger

    def trigger_differences(self, wanted: BridgeTrigger, actual: Trigger) -> list[str]:
        return differences(wanted, actual)

    def add_trigger(self, trigger: StoredTrigger) -> None:
        self.stored.append(trigger)

    def _maybe_fail(self, method: str) -> None:
        if method in self.failing:
            raise self.failing[method]


def stored_like_tracker(spec: BridgeTrigger, trigger_id: str, version: int, words_as: str = "words") -> StoredTrigger:
    """What Tracker answers: its own ids inside actions and conditions, users as objects, and the internal-note
    condition's words under the spelling this Tracker keeps (its reference shows both)."""
    stored = [dict(condition, id=n) for n, condition in enumerate(conditions(spec))]
    for condition in stored:
        if "user" in condition:
            condition["user"] = {"id": condition["user"], "display": "Робот", "login": ROBOT}
        if "words" in condition and words_as != "words":
            condition[words_as] = condition.pop("words")
    spelling = next((words_as for condition in stored if words_as in condition), None)
    action = {**webhook(spec), "id": 1, "self": f"https://api.tracker.yandex.net/v2/queues/{QUEUE}/triggers/x"}
    return StoredTrigger(
        id=trigger_id,
        version=version,
        name=spec.name,
        active=spec.active,
        notes=(f"internal-note words stored as `{spelling}`",) if spelling else (),
        conditions=tuple(stored),
        actions=(action,),
    )


def desired(name: str = COMMENT_TRIGGER, public_url: str = PUBLIC_URL) -> BridgeTrigger:
    return next(trigger for trigger in bridge_triggers(public_url, SECRET, ROBOT_UID) if trigger.name == name)


@pytest.fixture
def admin() -> FakeTrackerAdmin:
    return FakeTrackerAdmin()


def setup_of(admin: FakeTrackerAdmin, public_url: str = PUBLIC_URL) -> SetupTracker:
    return SetupTracker(admin, QUEUE, public_url, SECRET)


def test_the_fake_implements_the_port(admin: FakeTrackerAdmin) -> None:
    assert isinstance(admin, TrackerAdmin)


def test_first_run_creates_every_field_and_both_triggers(admin: FakeTrackerAdmin) -> None:
    lines = setup_of(admin).execute()

    assert lines == [
        "created local field pachcaMessageId",
        "created local field pachcaChatId",
        "created local field pachcaUserId",
        "created local field pachcaThreadId",
        "created local field pachcaRating",
        'created trigger "pachca-bridge: comment created"',
        'created trigger "pachca-bridge: status changed"',
        'created trigger "pachca-bridge: assignee changed"',
    ]
    assert [field.key for field in admin.fields] == FIELD_KEYS
    assert [trigger.name for trigger in admin.stored] == [COMMENT_TRIGGER, STATUS_TRIGGER, ASSIGNEE_TRIGGER]


def test_triggers_call_the_public_url_with_the_secret_and_skip_the_robots_comments(admin: FakeTrackerAdmin) -> None:
    setup_of(admin).execute()

    comment, status, assignee = admin.stored
    bodies = ((comment, COMMENT_EVENT_BODY), (status, STATUS_EVENT_BODY), (assignee, ASSIGNEE_EVENT_BODY))
    for trigger, body in bodies:
        (action,) = trigger.actions
        assert action["type"] == "Webhook"
        assert action["endpoint"] == PUBLIC_URL
        assert action["method"] == "POST"
        assert action["headers"] == {"X-Tracker-Secret": SECRET}
        assert action["body"] == body
        assert trigger.active
    assert {"type": "Event.comment-create"} in [{"type": c["type"]} for c in comment.conditions]
    assert any(c["type"] == "CommentAuthorNot" and c["user"]["login"] == ROBOT for c in comment.conditions)
    assert any(c.get("field") == "status" for c in status.conditions)
    assert any(c["type"] == "FieldChangedCondition" and c["field"] == "assignee" for c in assignee.conditions)


def test_the_trigger_bodies_are_the_contracts() -> None:
    assert COMMENT_EVENT_BODY == (
        '{"type":"issueCommentEvent","issue":{"key":"{{issue.key}}"},"comment":{"id":"{{userComment.id}}"}}'
    )
    assert STATUS_EVENT_BODY == '{"type":"issueStatusEvent","issue":{"key":"{{issue.key}}"}}'
    assert ASSIGNEE_EVENT_BODY == '{"type":"issueAssigneeEvent","issue":{"key":"{{issue.key}}"}}'


def test_second_run_changes_nothing(admin: FakeTrackerAdmin) -> None:
    setup_of(admin).execute()
    admin.writes.clear()

    lines = setup_of(admin).execute()

    assert lines == [
        "exists local field pachcaMessageId",
        "exists local field pachcaChatId",
        "exists local field pachcaUserId",
        "exists local field pachcaThreadId",
        "exists local field pachcaRating",
        'unchanged trigger "pachca-bridge: comment created"',
        'unchanged trigger "pachca-bridge: status changed"',
        'unchanged trigger "pachca-bridge: assignee changed"',
    ]
    assert admin.writes == []


def test_only_missing_fields_are_created(admin: FakeTrackerAdmin) -> None:
    admin.fields = [LocalField(f"{PREFIX}--pachcaChatId", "pachcaChatId"), LocalField("x--otherField", "otherField")]

    lines = setup_of(admin).execute()

    assert lines[:5] == [
        "created local field pachcaMessageId",
        "exists local field pachcaChatId",
        "created local field pachcaUserId",
        "created local field pachcaThreadId",
        "created local field pachcaRating",
    ]
    assert admin.writes[:3] == [
        "create field pachcaMessageId",
        "create field pachcaUserId",
        "create field pachcaThreadId",
    ]


def test_a_trigger_pointing_elsewhere_is_updated_at_its_version(admin: FakeTrackerAdmin) -> None:
    setup_of(admin, public_url="https://old.example.com/hook").execute()
    admin.writes.clear()

    lines = setup_of(admin).execute()

    assert lines[5:] == [
        'updated trigger "pachca-bridge: comment created" (endpoint)',
        'updated trigger "pachca-bridge: status changed" (endpoint)',
        'updated trigger "pachca-bridge: assignee changed" (endpoint)',
    ]
    assert [trigger.version for trigger in admin.stored] == [2, 2, 2]
    assert all(trigger.actions[0]["endpoint"] == PUBLIC_URL for trigger in admin.stored)
    assert setup_of(admin).execute()[5:] == [
        'unchanged trigger "pachca-bridge: comment created"',
        'unchanged trigger "pachca-bridge: status changed"',
        'unchanged trigger "pachca-bridge: assignee changed"',
    ]


def test_a_changed_secret_or_a_disabled_trigger_is_updated(admin: FakeTrackerAdmin) -> None:
    setup_of(admin).execute()
    comment, status, assignee = admin.stored
    admin.stored = [
        replace(comment, actions=({**comment.actions[0], "headers": {"X-Tracker-Secret": "old"}},)),
        replace(status, active=False),
        assignee,
    ]

    lines = setup_of(admin).execute()

    assert lines[5:] == [
        'updated trigger "pachca-bridge: comment created" (headers)',
        'updated trigger "pachca-bridge: status changed" (active)',
        'unchanged trigger "pachca-bridge: assignee changed"',
    ]
    assert admin.stored[0].actions[0]["headers"] == {"X-Tracker-Secret": SECRET}
    assert admin.stored[1].active


def test_dry_run_reads_but_writes_nothing(admin: FakeTrackerAdmin) -> None:
    admin.fields = [LocalField(f"{PREFIX}--pachcaMessageId", "pachcaMessageId")]

    lines = setup_of(admin).execute(dry_run=True)

    assert lines == [
        "exists local field pachcaMessageId",
        "would create local field pachcaChatId",
        "would create local field pachcaUserId",
        "would create local field pachcaThreadId",
        "would create local field pachcaRating",
        'would create trigger "pachca-bridge: comment created"',
        'would create trigger "pachca-bridge: status changed"',
        'would create trigger "pachca-bridge: assignee changed"',
    ]
    assert admin.writes == []
    assert admin.stored == []


def test_dry_run_names_what_it_would_update(admin: FakeTrackerAdmin) -> None:
    setup_of(admin, public_url="https://old.example.com/hook").execute()
    before = list(admin.stored)
    admin.writes.clear()

    lines = setup_of(admin).execute(dry_run=True)

    assert lines[5] == 'would update trigger "pachca-bridge: comment created" (endpoint)'
    assert admin.writes == []
    assert admin.stored == before


def test_the_first_trigger_of_a_name_is_the_one_maintained(admin: FakeTrackerAdmin) -> None:
    admin.add_trigger(stored_like_tracker(desired(public_url="https://old.example.com"), "7", version=3))
    admin.add_trigger(stored_like_tracker(desired(), "8", version=1))

    lines = setup_of(admin).execute()

    assert lines[5] == 'updated trigger "pachca-bridge: comment created" (endpoint)'
    assert [(t.id, t.version) for t in admin.stored[:2]] == [("7", 4), ("8", 1)]


def test_a_failure_part_way_reports_what_was_done(admin: FakeTrackerAdmin) -> None:
    admin.failing["triggers"] = TransientFailure("tracker: 503 on GET /v2/queues/SERVICEDESK/triggers")

    with pytest.raises(SetupIncomplete) as raised:
        setup_of(admin).execute()

    assert raised.value.done == [f"created local field {key}" for key in FIELD_KEYS]
    assert "503" in str(raised.value)


def test_the_robot_is_named_by_its_uid_never_its_login(admin: FakeTrackerAdmin) -> None:
    """Tracker's variables reference: a login made only of digits may be misread; the uid is recommended."""
    admin.robot = Person(id="1120000000016876", display_name="Робот", nickname="100500")

    setup_of(admin).execute()

    author = next(c for c in admin.stored[0].conditions if c["type"] == "CommentAuthorNot")
    assert author["user"]["id"] == "1120000000016876"
    assert "100500" not in str(admin.writes)


def test_a_trigger_tracker_stores_with_word_is_written_once(admin: FakeTrackerAdmin) -> None:
    """The condition reference's table says `word`, its example `words`: a Tracker keeping `word` is no change."""
    admin.words_as = "word"

    first = setup_of(admin).execute()
    writes = len(admin.writes)
    again = setup_of(admin).execute()

    assert 'created trigger "pachca-bridge: comment created"' in first
    assert f'unchanged trigger "{COMMENT_TRIGGER}"' in again
    assert len(admin.writes) == writes  # no PATCH on the second run
    stored = next(c for c in admin.stored[0].conditions if c["type"] == "CommentNoneMatchCondition")
    assert stored["word"] == ["#внутр", "#internal"] and "words" not in stored


def test_an_old_trigger_stored_with_word_is_not_patched(admin: FakeTrackerAdmin) -> None:
    admin.add_trigger(stored_like_tracker(desired(), "7", 3, words_as="word"))
    admin.add_trigger(stored_like_tracker(desired(STATUS_TRIGGER), "8", 1))
    admin.fields = [LocalField(f"{PREFIX}--{key}", key) for key in FIELD_KEYS]

    lines = setup_of(admin).execute()

    assert f'unchanged trigger "{COMMENT_TRIGGER}"' in lines
    assert not any(write.startswith("update") for write in admin.writes)


def test_a_trigger_read_back_otherwise_is_said(admin: FakeTrackerAdmin) -> None:
    admin.words_as = "phrases"  # a spelling no reference shows: the condition reads as changed

    lines = setup_of(admin).execute()

    assert lines[5] == (
        'created trigger "pachca-bridge: comment created"; '
        "read back: Tracker stored conditions otherwise (see `servicedesk-bot doctor`)"
    )
