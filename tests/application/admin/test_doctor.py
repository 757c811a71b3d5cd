from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.state.memory import MemoryState
from application.admin.checks import CheckResult, Status
from application.admin.doctor import Doctor, DoctorSettings
from application.admin.doctor_pachca import NEEDED_SCOPES
from application.admin.pachca_webhook import WEBHOOK_SCOPE
from application.admin.setup import SetupTracker
from domain.people import Person
from entrypoints.cli.admin import configuration_checks
from entrypoints.config.configuration import ConfigurationError, problem
from entrypoints.config.settings import variable_names
from ports.admin import DirectoryAdmin, LocalField, MessengerAdmin, StateProbe, TokenInfo
from ports.errors import PermanentFailure, StateUnavailable, TransientFailure
from tests.application.admin.test_setup import (
    COMMENT_TRIGGER,
    PUBLIC_URL,
    QUEUE,
    SECRET,
    STATUS_TRIGGER,
    FakeTrackerAdmin,
)

BOT_ID = 12
PEOPLE = [
    Person(id="12", display_name="Бот поддержки", nickname="support_bot", is_bot=True),
    Person(id="134412", display_name="Олег Петров", nickname="olegpetrov", email="olegp@example.com"),
]


class FakeMessengerAdmin:
    def __init__(self) -> None:
        self.token = TokenInfo(user_id=BOT_ID, scopes=(*NEEDED_SCOPES, WEBHOOK_SCOPE))
        self.people = list(PEOPLE)
        self.error: Exception | None = None

    def token_info(self) -> TokenInfo:
        if self.error:
            raise self.error
        return self.token

    def some_users(self, limit: int) -> list[Person]:
        return self.people[:limit]


class FakeDirectoryAdmin:
    def __init__(self, count: int = 250, error: Exception | None = None) -> None:
        self.count, self.error = count, error

    def count_users(self) -> int:
        if self.error:
            raise self.error
        return self.count


class Parts:
    def __init__(self) -> None:
        self.messenger = FakeMessengerAdmin()
        self.tracker = FakeTrackerAdmin()
        self.directory: FakeDirectoryAdmin | None = FakeDirectoryAdmin()
        self.state = MemoryState()
        self.settings = DoctorSettings(
            queue=QUEUE, bot_user_id=BOT_ID, public_url=PUBLIC_URL, tracker_webhook_secret=SECRET
        )
        SetupTracker(self.tracker, QUEUE, PUBLIC_URL, SECRET).execute()

    def open_state(self) -> StateProbe:
        return self.state

    def run(self) -> list[CheckResult]:
        return Doctor(
            self.messenger, self.tracker, self.directory, self.open_state, self.settings, variables=variable_names()
        ).execute()

    def by_check(self) -> dict[str, CheckResult]:
        return {result.check: result for result in self.run()}


@pytest.fixture
def parts() -> Parts:
    return Parts()


def statuses(results: list[CheckResult]) -> list[tuple[str, str]]:
    return [(result.status.value, result.check) for result in results]


def test_the_fakes_implement_the_ports(parts: Parts) -> None:
    assert isinstance(parts.messenger, MessengerAdmin)
    assert isinstance(parts.directory, DirectoryAdmin)
    assert isinstance(parts.state, StateProbe)


def test_a_healthy_setup_passes_every_check(parts: Parts) -> None:
    results = parts.run()

    assert statuses(results) == [
        ("ok", "pachca token"),
        ("ok", "pachca webhook"),
        ("ok", "pachca bot id"),
        ("ok", "pachca personal data"),
        ("ok", "tracker token"),
        ("ok", "tracker queue"),
        ("ok", "tracker local fields"),
        ("ok", f'tracker trigger "{COMMENT_TRIGGER}"'),
        ("ok", f'tracker trigger "{STATUS_TRIGGER}"'),
        ("ok", "y360 directory"),
        ("ok", "state store"),
        ("ok", "store size"),
        ("ok", "dead events"),
    ]
    checks = {result.check: result.detail for result in results}
    assert checks["tracker token"] == "robot robot-servicedesk (Робот, uid 1120000000016876)"
    assert checks[f'tracker trigger "{COMMENT_TRIGGER}"'] == (
        f"active, calls {PUBLIC_URL}; internal-note words stored as `words`"
    )
    assert checks["state store"] == "answers; outbox: 0 pending, 0 dead"


def test_doctor_says_how_tracker_answered_myself() -> None:
    parts = Parts()
    parts.tracker.shapes = {"GET /v2/myself": "a one-element list"}

    detail = parts.by_check()["tracker token"].detail

    assert detail.endswith("; GET /v2/myself answered a one-element list")


def test_doctor_says_which_spelling_tracker_kept_for_the_internal_note_words() -> None:
    parts = Parts()
    parts.tracker.words_as = "word"
    parts.tracker.stored.clear()
    SetupTracker(parts.tracker, QUEUE, PUBLIC_URL, SECRET).execute()

    check = parts.by_check()[f'tracker trigger "{COMMENT_TRIGGER}"']

    assert check.status.value == "ok"
    assert check.detail == f"active, calls {PUBLIC_URL}; internal-note words stored as `word`"


def test_no_check_writes_anything(parts: Parts) -> None:
    parts.tracker.writes.clear()

    parts.run()

    assert parts.tracker.writes == []


def test_a_refused_pachca_token_is_one_line_and_the_rest_still_runs(parts: Parts) -> None:
    parts.messenger.error = PermanentFailure("pachca: 401 on GET /oauth/token/info: {}", 401)

    results = parts.run()

    pachca = [result for result in results if result.check.startswith("pachca")]
    assert statuses(pachca) == [("FAIL", "pachca token")]
    assert pachca[0].detail == "the token was refused (401)"
    assert "PACHKA_API_TOKEN" in pachca[0].fix
    assert next(result.check for result in results if not result.failed) == "tracker token"


def test_an_unreachable_service_is_told_as_such(parts: Parts) -> None:
    parts.messenger.error = TransientFailure("pachca: connection error on GET /oauth/token/info")

    (result,) = [r for r in parts.run() if r.check.startswith("pachca")]

    assert result.failed
    assert "connection error" in result.detail
    assert "reachable" in result.fix


def test_a_bot_id_other_than_the_tokens_fails(parts: Parts) -> None:
    parts.settings = replace(parts.settings, bot_user_id=99)

    result = parts.by_check()["pachca bot id"]

    assert result.failed
    assert result.detail == f"BOT_USER_ID is 99, but the token belongs to user {BOT_ID}"
    assert f"BOT_USER_ID={BOT_ID}" in result.fix


def test_without_bot_user_id_the_tokens_id_is_shown(parts: Parts) -> None:
    parts.settings = replace(parts.settings, bot_user_id=None)

    result = parts.by_check()["pachca bot id"]

    assert result.status is Status.OK
    assert result.detail.startswith(f"{BOT_ID} (from the token")


def test_missing_scopes_are_a_warning(parts: Parts) -> None:
    parts.messenger.token = TokenInfo(user_id=BOT_ID, scopes=("messages:create", "messages:read"))

    result = parts.by_check()["pachca token"]

    assert result.status is Status.WARN
    assert "views:write" in result.detail
    assert "messages:read" not in result.detail


def test_hidden_emails_are_a_warning_with_the_fix(parts: Parts) -> None:
    parts.messenger.people = [replace(person, email=None) for person in PEOPLE]

    result = parts.by_check()["pachca personal data"]

    assert result.status is Status.WARN
    assert result.detail == "Pachca hides e-mails from bots: mentions are matched by nickname only"
    assert result.fix == "allow bots to see personal data in the workspace settings"


def test_a_tracker_that_does_not_answer_is_one_line(parts: Parts) -> None:
    parts.tracker.failing["myself"] = TransientFailure("tracker: timeout on GET /v2/myself")

    tracker = [result for result in parts.run() if result.check.startswith("tracker")]

    assert statuses(tracker) == [("FAIL", "tracker token")]
    assert "TRACKER_API_TOKEN" not in tracker[0].fix  # the token may be fine: the service did not answer
    assert "reachable" in tracker[0].fix


def test_a_refused_tracker_token_names_the_variables(parts: Parts) -> None:
    parts.tracker.failing["myself"] = PermanentFailure("tracker: 401 on GET /v2/myself: {}", 401)

    result = parts.by_check()["tracker token"]

    assert result.failed
    assert "TRACKER_API_TOKEN" in result.fix
    assert "TRACKER_ORG_ID" in result.fix


def test_an_unknown_queue_fails_and_skips_its_fields_and_triggers(parts: Parts) -> None:
    parts.settings = replace(parts.settings, queue="NOPE")

    tracker = [result for result in parts.run() if result.check.startswith("tracker")]

    assert statuses(tracker) == [("ok", "tracker token"), ("FAIL", "tracker queue")]
    assert "NOPE" in tracker[1].detail
    assert "TRACKER_QUEUE" in tracker[1].fix


def test_missing_fields_and_triggers_fail_with_setup_as_the_fix(parts: Parts) -> None:
    parts.tracker.fields = [LocalField("x--pachcaMessageId", "pachcaMessageId")]
    parts.tracker.stored = parts.tracker.stored[:1]

    checks = parts.by_check()

    fields = checks["tracker local fields"]
    assert fields.failed
    assert fields.detail == "missing pachcaChatId, pachcaUserId, pachcaThreadId"
    assert "servicedesk-bot setup" in fields.fix
    status = checks[f'tracker trigger "{STATUS_TRIGGER}"']
    assert (status.status, status.detail) == (Status.FAIL, "missing")
    assert checks[f'tracker trigger "{COMMENT_TRIGGER}"'].status is Status.OK


def test_a_trigger_calling_another_url_fails(parts: Parts) -> None:
    parts.settings = replace(parts.settings, public_url="https://bridge.example.com/")

    result = parts.by_check()[f'tracker trigger "{COMMENT_TRIGGER}"']

    assert result.failed
    assert f"calls {PUBLIC_URL}, not PUBLIC_URL" in result.detail


def test_a_trigger_with_another_secret_fails(parts: Parts) -> None:
    parts.settings = replace(parts.settings, tracker_webhook_secret="a-new-secret")

    result = parts.by_check()[f'tracker trigger "{STATUS_TRIGGER}"']

    assert result.failed
    assert "headers" in result.detail
    assert SECRET not in result.detail
    assert "a-new-secret" not in result.detail


def test_changed_conditions_alone_are_a_warning(parts: Parts) -> None:
    comment = parts.tracker.stored[0]
    parts.tracker.stored[0] = replace(comment, conditions=comment.conditions[:2])

    result = parts.by_check()[f'tracker trigger "{COMMENT_TRIGGER}"']

    assert result.status is Status.WARN
    assert "conditions" in result.detail


def test_an_inactive_trigger_fails(parts: Parts) -> None:
    parts.tracker.stored[1] = replace(parts.tracker.stored[1], active=False)

    result = parts.by_check()[f'tracker trigger "{STATUS_TRIGGER}"']

    assert (result.status, result.detail) == (Status.FAIL, "inactive")


def test_without_public_url_where_triggers_point_is_a_warning(parts: Parts) -> None:
    parts.settings = replace(parts.settings, public_url=None)

    result = parts.by_check()[f'tracker trigger "{COMMENT_TRIGGER}"']

    assert result.status is Status.WARN
    assert result.detail.startswith(f"calls {PUBLIC_URL}; PUBLIC_URL is not set")


def test_without_the_tracker_secret_triggers_cannot_get_through(parts: Parts) -> None:
    parts.settings = replace(parts.settings, tracker_webhook_secret=None)

    result = parts.by_check()[f'tracker trigger "{COMMENT_TRIGGER}"']

    assert result.failed
    assert "TRACKER_WEBHOOK_SECRET" in result.detail


def test_triggers_that_cannot_be_listed_are_one_line(parts: Parts) -> None:
    parts.tracker.failing["triggers"] = PermanentFailure("tracker: 403 on GET /v2/queues/SERVICEDESK/triggers", 403)

    results = [result for result in parts.run() if "trigger" in result.check]

    assert statuses(results) == [("FAIL", "tracker triggers")]
    assert results[0].detail.startswith("access denied (403)")


def test_without_a_directory_mentions_fall_back_with_a_warning(parts: Parts) -> None:
    parts.directory = None
    parts.settings = replace(parts.settings, email_domain="bnovo.ru")

    result = parts.by_check()["y360 directory"]

    assert result.status is Status.WARN
    assert "Tracker's user record and PACHCA_EMAIL_DOMAIN (bnovo.ru)" in result.detail
    assert "Y360_OAUTH" in result.fix


def test_a_failing_directory_fails(parts: Parts) -> None:
    parts.directory = FakeDirectoryAdmin(error=PermanentFailure("y360: 403 on GET /directory/v1/org/1/users", 403))

    result = parts.by_check()["y360 directory"]

    assert result.failed
    assert "Y360_ORG_ID" in result.fix


def test_a_state_store_that_cannot_be_opened_or_reached_fails(parts: Parts) -> None:
    def broken() -> StateProbe:
        raise ValueError("STATE_URL scheme 'redis' is not supported")

    results = Doctor(
        parts.messenger, parts.tracker, parts.directory, broken, parts.settings, variables=variable_names()
    ).execute()

    assert statuses(results)[-1] == ("FAIL", "state store")
    assert "redis" in results[-1].detail
    assert "STATE_URL" in results[-1].fix


def test_a_state_store_that_does_not_answer_fails(parts: Parts, monkeypatch: pytest.MonkeyPatch) -> None:
    def down() -> None:
        raise StateUnavailable("SQLite state store failed: OperationalError: disk I/O error")

    monkeypatch.setattr(parts.state, "ping", down)

    result = parts.by_check()["state store"]

    assert result.failed
    assert "disk I/O error" in result.detail


def test_the_store_size_and_its_oldest_event_are_shown(parts: Parts) -> None:
    parts.state.claim("pachca:message:1", "pachca.message", "x" * 4096, 1_800_000_000.0, 30.0)
    parts.state.claim("pachca:message:2", "pachca.message", "x" * 4096, 1_800_000_060.0, 30.0)

    size = parts.by_check()["store size"]

    assert size.status is Status.OK
    assert size.detail.endswith("; 2 events (8 KiB of payloads), the oldest first seen 2027-01-15 08:00 UTC")


def test_dead_events_are_listed_up_to_five(parts: Parts) -> None:
    parts.state.claim("pending-1", "tracker.comment", "{}", 1.0, 30.0)
    parts.state.release("pending-1", "tracker: 503", 100.0)
    for n in range(7):
        parts.state.claim(f"pachca:message:{n}", "pachca.message", "{}", 1.0, 30.0)
        parts.state.bury(f"pachca:message:{n}", "tracker: 422 on POST /v2/issues/")

    checks = parts.by_check()

    assert checks["state store"].detail == "answers; outbox: 1 pending, 7 dead"
    dead = checks["dead events"]
    assert dead.status is Status.WARN
    assert dead.detail.startswith(
        "7 events were given up after retries: pachca:message:0 (pachca.message, 1 attempts: tracker: 422 on POST"
    )
    assert dead.detail.count("pachca:message:") == 5


def test_an_unexpected_error_is_a_failed_check_not_an_exception(parts: Parts) -> None:
    parts.tracker.failing["local_fields"] = RuntimeError("boom")

    result = parts.by_check()["tracker local fields"]

    assert (result.status, result.detail) == (Status.FAIL, "boom")


def test_a_configuration_error_names_the_variables() -> None:
    error = ConfigurationError([problem("WEBHOOK_SECRET", "is not set"), problem("TRACKER_API_TOKEN", "is not set")])

    results = configuration_checks(error)

    assert all(result.failed for result in results)
    assert [result.detail.split(" ")[0] for result in results] == ["TRACKER_API_TOKEN", "WEBHOOK_SECRET"]
    assert results[1].detail == ("WEBHOOK_SECRET is not set; for example WEBHOOK_SECRET=<the signing secret>")


def test_a_token_without_the_webhook_scope_is_told_which_scope_to_give(parts: Parts) -> None:
    parts.messenger.token = TokenInfo(user_id=BOT_ID, scopes=NEEDED_SCOPES)

    [result] = [r for r in parts.run() if r.check == "pachca webhook"]

    assert result.status is Status.WARN
    assert f"give the bot the scope {WEBHOOK_SCOPE}" in result.fix
