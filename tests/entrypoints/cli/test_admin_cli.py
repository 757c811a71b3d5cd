"""`servicedesk-bot setup`, `doctor` and `package` end to end: click's runner against pytest-httpserver playing
Tracker, Pachca and Yandex 360, with a real SQLite state store."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from adapters.state.sqlite import SqliteState
from adapters.state.stores import open_state
from entrypoints.cli.deploy.archive import PACKAGES, build_package, runtime_requirements
from entrypoints.cli.main import main
from tests.conftest import TEST_ENV
from tests.entrypoints.conftest import http_event

PACHCA_TOKEN = "pachca-token-0123456789"
TRACKER_TOKEN = "tracker-token-0123456789"
TRACKER_SECRET = "tracker-trigger-secret"
Y360_TOKEN = "y360-token-0123456789"
PUBLIC_URL = "https://functions.yandexcloud.net/d4e0000000000000000"
QUEUE = "SERVICEDESK"
ROBOT = "robot-servicedesk"
PREFIX = "6063181a59590578909db920"
SECRETS = (PACHCA_TOKEN, TRACKER_TOKEN, TRACKER_SECRET, Y360_TOKEN, "pachca-signing-secret")
SETTINGS_NAMES = (
    "PACHKA_API_TOKEN PACHCA_API_TOKEN WEBHOOK_SECRET BOT_USER_ID TRACKER_API_TOKEN TRACKER_ORG_ID "
    "TRACKER_CLOUD_ORG_ID TRACKER_QUEUE TRACKER_WEBHOOK_SECRET TRACKER_CREATE_URL Y360_OAUTH Y360_ORG_ID "
    "PACHCA_EMAIL_DOMAIN PACHCA_API_URL TRACKER_API_URL Y360_API_URL TRACKER_WEB_URL PUBLIC_URL STATE_URL "
    "SUPPORT_CHAT_IDS WEBHOOK_MAX_AGE_SECONDS AGENT_PACHCA_USER_IDS INTAKE_TOPICS LOG_LEVEL"
).split()
TRIGGERS = f"/tracker/v2/queues/{QUEUE}/triggers"
LOCAL_FIELDS = f"/tracker/v2/queues/{QUEUE}/localFields"


class TrackerServer:
    """Just enough of Tracker to hold a queue's local fields and triggers, and to answer as Tracker does."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.fields: list[dict[str, Any]] = []
        self.triggers: list[dict[str, Any]] = []
        robot = {"self": "…", "uid": 1120000000016876, "login": ROBOT, "display": "Робот поддержки"}
        queue = {"self": "…", "id": 111, "key": QUEUE, "version": 5, "name": "Служба поддержки"}
        httpserver.expect_request("/tracker/v2/myself", method="GET").respond_with_json(robot)
        httpserver.expect_request(f"/tracker/v2/queues/{QUEUE}", method="GET").respond_with_json(queue)
        httpserver.expect_request(LOCAL_FIELDS, method="GET").respond_with_handler(lambda _: _json(self.fields))
        httpserver.expect_request(LOCAL_FIELDS, method="POST").respond_with_handler(self._create_field)
        httpserver.expect_request(TRIGGERS, method="GET").respond_with_handler(lambda _: _json(self.triggers))
        httpserver.expect_request(TRIGGERS, method="POST").respond_with_handler(self._create_trigger)
        httpserver.expect_request(re.compile(rf"{TRIGGERS}/\d+"), method="PATCH").respond_with_handler(self._patch)
        self.pachca_webhook = ""  # the Pachca bot's outgoing webhook (Pachca's side of setup)
        httpserver.expect_request("/pachca/bot/webhook", method="PUT").respond_with_handler(self._set_webhook)

    def _set_webhook(self, request: Request) -> Response:
        self.pachca_webhook = request.get_json()["webhook"]["outgoing_url"]
        return _json({"data": {"id": 12, "webhook": {"outgoing_url": self.pachca_webhook}}})

    def add_trigger(self, body: dict[str, Any]) -> dict[str, Any]:
        trigger = {
            **body,
            "id": len(self.triggers) + 1,
            "version": 1,
            "conditions": [_stored_condition(c) for c in body.get("conditions", [])],
            "actions": [{**action, "id": n + 1} for n, action in enumerate(body.get("actions", []))],
        }
        self.triggers.append(trigger)
        return trigger

    def _create_field(self, request: Request) -> Response:
        body = request.get_json()
        field = {"type": "local", "id": f"{PREFIX}--{body['id']}", "key": body["id"], "version": 1, "name": "…"}
        self.fields.append(field)
        return _json(field)

    def _create_trigger(self, request: Request) -> Response:
        return _json(self.add_trigger(request.get_json()))

    def _patch(self, request: Request) -> Response:
        trigger_id = int(request.path.rsplit("/", 1)[1])
        trigger = next(t for t in self.triggers if t["id"] == trigger_id)
        if request.args.get("version") != str(trigger["version"]):
            return _json({"errorMessages": ["version conflict"], "statusCode": 409}, status=409)
        body = request.get_json()
        trigger.update(body, version=trigger["version"] + 1)
        trigger["conditions"] = [_stored_condition(c) for c in body["conditions"]]
        return _json(trigger)


def _stored_condition(condition: dict[str, Any]) -> dict[str, Any]:
    if "user" in condition:  # Tracker answers with the user as an object
        return {**condition, "user": {"self": "…", "id": "1120000000016876", "login": condition["user"]}}
    return condition


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def serve_pachca(httpserver: HTTPServer, emails: bool = True) -> None:
    token = {"id": 4827, "token": "cH5kR9mN...x7Qp", "name": None, "user_id": 12, "scopes": None}
    person = {"id": 134412, "first_name": "Олег", "nickname": "olegpetrov", "bot": False}
    person["email"] = "olegp@example.com" if emails else None
    httpserver.expect_request("/pachca/oauth/token/info", method="GET").respond_with_json({"data": token})
    httpserver.expect_request("/pachca/users", method="GET").respond_with_json({"data": [person], "meta": {}})
    history = {"data": [], "meta": {"paginate": {"next_page": "", "has_next": False}}}
    httpserver.expect_request("/pachca/webhooks/events", method="GET").respond_with_json(history)


def serve_y360(httpserver: HTTPServer) -> None:
    page = {"users": [{"id": "1130000007986051", "nickname": "ivanov"}], "page": 1, "pages": 40, "total": 40}
    httpserver.expect_request("/y360/directory/v1/org/9876/users", method="GET").respond_with_json(page)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The commands point logging at the runner's stdout; keep the test server's request log out of it, and give the
    root logger back afterwards."""
    root, server = logging.getLogger(), logging.getLogger("werkzeug")
    handlers, level, server_level = root.handlers[:], root.level, server.level
    server.setLevel(logging.WARNING)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    server.setLevel(server_level)


@pytest.fixture
def env(httpserver: HTTPServer, tmp_path: Path) -> dict[str, str | None]:
    cleared: dict[str, str | None] = dict.fromkeys(SETTINGS_NAMES)
    open_state(f"sqlite:///{tmp_path}/s.db").ping()  # the bridge has served: its store exists (doctor creates none)
    return cleared | {
        "PACHKA_API_TOKEN": PACHCA_TOKEN,
        "WEBHOOK_SECRET": "pachca-signing-secret",
        "TRACKER_API_TOKEN": TRACKER_TOKEN,
        "TRACKER_ORG_ID": "7654321",
        "TRACKER_WEBHOOK_SECRET": TRACKER_SECRET,
        "PUBLIC_URL": PUBLIC_URL,
        "BOT_USER_ID": "12",
        "PACHCA_API_URL": httpserver.url_for("/pachca"),
        "TRACKER_API_URL": httpserver.url_for("/tracker"),
        "Y360_API_URL": httpserver.url_for("/y360"),
        "Y360_OAUTH": Y360_TOKEN,
        "Y360_ORG_ID": "9876",
        "STATE_URL": f"sqlite:///{tmp_path}/s.db",
    }


@pytest.fixture
def tracker(httpserver: HTTPServer) -> TrackerServer:
    return TrackerServer(httpserver)


def run(*args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def writes(httpserver: HTTPServer) -> list[str]:
    return [f"{r.method} {r.path}" for r, _ in httpserver.log if r.method in ("POST", "PATCH", "PUT", "DELETE")]


def assert_clean(output: str) -> None:
    assert "Traceback" not in output
    for secret in SECRETS:
        assert secret not in output


# --- setup ---------------------------------------------------------------------------------------------------------


def test_setup_creates_everything_then_finds_it_all_in_place(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    first = run("setup", env=env)

    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "created local field pachcaMessageId",
        "created local field pachcaChatId",
        "created local field pachcaUserId",
        "created local field pachcaThreadId",
        "created local field pachcaRating",
        'created trigger "pachca-bridge: comment created"',
        'created trigger "pachca-bridge: status changed"',
        'created trigger "pachca-bridge: assignee changed"',
        f"pointed the Pachca bot's webhook at {PUBLIC_URL}",
    ]
    assert writes(httpserver) == [f"POST {LOCAL_FIELDS}"] * 5 + [f"POST {TRIGGERS}"] * 3 + ["PUT /pachca/bot/webhook"]
    assert tracker.pachca_webhook == PUBLIC_URL
    comment = tracker.triggers[0]
    assert comment["actions"][0]["endpoint"] == PUBLIC_URL
    assert comment["actions"][0]["headers"] == {"X-Tracker-Secret": TRACKER_SECRET}
    created = [
        request.get_json() for request, _ in httpserver.log if (request.method, request.path) == ("POST", TRIGGERS)
    ]
    assert {"type": "CommentAuthorNot", "user": "1120000000016876"} in created[0]["conditions"]  # the uid, not login
    tracker_calls = [request.method for request, _ in httpserver.log if request.path.startswith("/tracker")]
    assert tracker_calls[-1] == "GET"  # read back after writing
    httpserver.clear_log()

    second = run("setup", env=env)

    assert second.exit_code == 0, second.output
    assert second.output.splitlines() == [
        "exists local field pachcaMessageId",
        "exists local field pachcaChatId",
        "exists local field pachcaUserId",
        "exists local field pachcaThreadId",
        "exists local field pachcaRating",
        'unchanged trigger "pachca-bridge: comment created"',
        'unchanged trigger "pachca-bridge: status changed"',
        'unchanged trigger "pachca-bridge: assignee changed"',
        f"pointed the Pachca bot's webhook at {PUBLIC_URL}",
    ]
    assert writes(httpserver) == ["PUT /pachca/bot/webhook"]  # setting the same URL again changes nothing
    assert_clean(first.output + second.output)


def test_setup_in_poll_mode_makes_the_fields_but_no_trigger_and_no_webhook(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    polling = {**env, "DELIVERY": "poll", "PUBLIC_URL": None, "TRACKER_WEBHOOK_SECRET": None, "WEBHOOK_SECRET": None}

    result = run("setup", env=polling)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "no triggers: DELIVERY=poll searches Tracker itself",
        "no Pachca webhook: DELIVERY=poll reads the bot's event history",
    ]
    assert writes(httpserver) == [f"POST {LOCAL_FIELDS}"] * 5
    assert tracker.triggers == [] and not tracker.pachca_webhook


def test_setup_dry_run_writes_nothing(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    result = run("setup", "--dry-run", env=env)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "would create local field pachcaMessageId"
    assert lines[5] == 'would create trigger "pachca-bridge: comment created"'
    assert lines[-2] == f"would point the Pachca bot's webhook at {PUBLIC_URL}"
    assert lines[-1] == "dry run: nothing was changed"
    assert writes(httpserver) == []
    assert tracker.fields == tracker.triggers == []


def test_setup_updates_a_trigger_that_calls_an_old_url(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    run("setup", env={**env, "PUBLIC_URL": "https://old.example.com/hook"})
    httpserver.clear_log()

    result = run("setup", env=env)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[5:] == [
        'updated trigger "pachca-bridge: comment created" (endpoint)',
        'updated trigger "pachca-bridge: status changed" (endpoint)',
        'updated trigger "pachca-bridge: assignee changed" (endpoint)',
        f"pointed the Pachca bot's webhook at {PUBLIC_URL}",
    ]
    patches = [request for request, _ in httpserver.log if request.method == "PATCH"]
    assert [(r.path, r.args["version"]) for r in patches] == [(f"{TRIGGERS}/{n}", "1") for n in (1, 2, 3)]
    assert [t["actions"][0]["endpoint"] for t in tracker.triggers] == [PUBLIC_URL] * 3


def test_setup_needs_the_public_url_and_the_tracker_secret(httpserver: HTTPServer, env: dict[str, str | None]) -> None:
    result = run("setup", env={**env, "PUBLIC_URL": None, "TRACKER_WEBHOOK_SECRET": None})

    assert result.exit_code != 0
    assert "PUBLIC_URL" in result.output
    assert "TRACKER_WEBHOOK_SECRET" in result.output
    assert httpserver.log == []


def test_setup_stopped_by_tracker_says_what_was_done(httpserver: HTTPServer, env: dict[str, str | None]) -> None:
    httpserver.expect_request("/tracker/v2/myself").respond_with_json({"uid": 1, "login": ROBOT})
    httpserver.expect_request(LOCAL_FIELDS, method="GET").respond_with_json([])
    httpserver.expect_request(LOCAL_FIELDS, method="POST").respond_with_json(
        {"errorMessages": [f"no right to edit the queue; header {TRACKER_SECRET}?"], "statusCode": 403}, status=403
    )

    result = run("setup", env=env)

    assert result.exit_code == 1
    assert "setup stopped: tracker: 403 on POST /v2/queues/SERVICEDESK/localFields" in result.output
    assert_clean(result.output)


def test_setup_without_configuration_names_the_variables(env: dict[str, str | None]) -> None:
    result = run("setup", env={**env, "TRACKER_API_TOKEN": None})

    assert result.exit_code == 2
    assert "TRACKER_API_TOKEN" in result.output


# --- doctor --------------------------------------------------------------------------------------------------------


def test_doctor_passes_on_a_set_up_bridge(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    serve_pachca(httpserver)
    serve_y360(httpserver)
    run("setup", env=env)
    httpserver.clear_log()

    result = run("doctor", env=env)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [
        "ok   configuration: every required variable is set",
        "ok   pachca token: valid, bot user 12",
        "ok   pachca webhook: setup may point the bot's webhook at PUBLIC_URL",
        "ok   pachca bot id: BOT_USER_ID 12 matches the token",
        "ok   pachca personal data: e-mails are visible to the bot",
        "warn pachca event history: readable, but no event has arrived yet: with the history off none ever will "
        "— fix: turn on «Сохранять историю событий» in the bot's «Исходящий webhook» tab, then write to the bot and "
        "run doctor again",
        f"ok   tracker token: robot {ROBOT} (Робот поддержки, uid 1120000000016876); GET /v2/myself answered an object",
        "ok   tracker queue: SERVICEDESK «Служба поддержки»",
        "ok   tracker local fields: pachcaMessageId, pachcaChatId, pachcaUserId, pachcaThreadId, pachcaRating",
        f'ok   tracker trigger "pachca-bridge: comment created": active, calls {PUBLIC_URL}; '
        "internal-note words stored as `words`",
        f'ok   tracker trigger "pachca-bridge: status changed": active, calls {PUBLIC_URL}',
        f'ok   tracker trigger "pachca-bridge: assignee changed": active, calls {PUBLIC_URL}',
        "ok   y360 directory: 40 people in the organisation",
        "ok   state store: answers; outbox: 0 pending, 0 dead",
        lines[14],
        "ok   dead events: none",
        "ok   last history pass: none yet",
        "ok   last tracker pass: none yet",
        "ok   last outbox pass: none yet",
    ]
    assert re.fullmatch(
        r"ok   store size: \d+ KiB; 0 events \(0 KiB of payloads\), the oldest first seen none", lines[14]
    )
    assert writes(httpserver) == []
    assert_clean(result.output)


def test_doctor_in_poll_mode_checks_the_event_history_instead_of_the_webhook_and_triggers(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    serve_pachca(httpserver)
    serve_y360(httpserver)
    polling = {**env, "DELIVERY": "poll", "PUBLIC_URL": None, "TRACKER_WEBHOOK_SECRET": None, "WEBHOOK_SECRET": None}

    result = run("doctor", env=polling)

    lines = result.output.splitlines()
    assert "ok   pachca webhook: not needed: DELIVERY=poll reads the event history" in lines
    assert "ok   tracker triggers: not needed: DELIVERY=poll searches Tracker" in lines
    assert [line for line in lines if line.startswith("warn pachca event history: readable, but no event")]
    assert not [line for line in lines if 'tracker trigger "' in line]
    assert writes(httpserver) == []


def test_doctor_reports_each_failure_on_one_line_and_exits_1(
    httpserver: HTTPServer, env: dict[str, str | None], tmp_path: Path
) -> None:
    httpserver.expect_request("/pachca/oauth/token/info").respond_with_json(
        {"error": "invalid_token", "error_description": f"token {PACHCA_TOKEN} revoked"}, status=401
    )
    state = SqliteState(str(tmp_path / "s.db"))
    state.claim("pachca:message:56431", "pachca.message", "{}", 1.0, 30.0)
    state.bury("pachca:message:56431", "tracker: 422 on POST /v2/issues/")
    state.close()
    down_tracker = {**env, "TRACKER_API_URL": "http://127.0.0.1:9", "Y360_OAUTH": None, "PUBLIC_URL": None}

    result = run("doctor", env=down_tracker)

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("ok   configuration")
    assert lines[1] == (
        "FAIL pachca token: the token was refused (401) — fix: check PACHKA_API_TOKEN: the token on the bot's «API» tab"
    )
    assert lines[2].startswith("FAIL tracker token: tracker: connection error on GET /v2/myself — fix: make sure")
    assert lines[3].startswith("warn y360 directory: not configured")
    assert lines[4] == "ok   state store: answers; outbox: 0 pending, 1 dead"
    assert lines[5].startswith("ok   store size: ")
    assert lines[6].startswith("warn dead events: 1 events were given up after retries: pachca:message:56431")
    assert lines[7:] == [f"ok   last {kind} pass: none yet" for kind in ("history", "tracker", "outbox")]
    assert_clean(result.output)


def test_doctor_warns_when_pachca_hides_emails(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    serve_pachca(httpserver, emails=False)
    serve_y360(httpserver)
    run("setup", env=env)

    result = run("doctor", env=env)

    assert result.exit_code == 0, result.output
    assert (
        "warn pachca personal data: Pachca hides e-mails from bots: mentions are matched by nickname only"
        " — fix: allow bots to see personal data in the workspace settings"
    ) in result.output.splitlines()


def test_doctor_without_configuration_fails_each_variable_and_exits_2(
    httpserver: HTTPServer, env: dict[str, str | None]
) -> None:
    """Exit 2 like every command on a bad configuration, one FAIL line per variable in the same words."""
    result = run("doctor", env={**env, "WEBHOOK_SECRET": None, "TRACKER_ORG_ID": None})

    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "FAIL configuration: neither TRACKER_ORG_ID nor TRACKER_CLOUD_ORG_ID is set: set exactly one (Tracker: "
        "Administration → Organizations); for example TRACKER_ORG_ID=7654321",
        "FAIL configuration: WEBHOOK_SECRET is not set: it must be the bot's signing secret (its «Исходящий webhook» "
        "tab); for example WEBHOOK_SECRET=<the signing secret>",
    ]
    assert httpserver.log == []


# --- package -------------------------------------------------------------------------------------------------------


def test_package_command_prints_the_path_and_size(tmp_path: Path) -> None:
    output = tmp_path / "out" / "function.zip"

    result = CliRunner().invoke(main, ["package", "--output", str(output)], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    first, runtime = result.output.strip().splitlines()
    assert first == f"{output} ({output.stat().st_size} bytes)"
    assert runtime.endswith("the archive matches runtime python312")  # CI machines have a Python 3.12
    assert zipfile.is_zipfile(output)


def test_the_archive_has_the_code_at_its_root_and_the_requirements(tmp_path: Path) -> None:
    archive = build_package(tmp_path / "function.zip")

    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        requirements = zipped.read("requirements.txt").decode().splitlines()

    assert "index.py" in names
    for package in PACKAGES:
        assert f"{package}/__init__.py" in names
    assert "entrypoints/function/handler.py" in names
    assert "adapters/tracker/queue.py" in names
    assert all(name.endswith(".py") for name in names if name != "requirements.txt")
    assert not [name for name in names if "__pycache__" in name or name.startswith(("tests/", ".venv/"))]
    packages = {re.split(r"[\[<>=!; ]", line)[0] for line in requirements}
    assert {"requests", "pydantic", "pydantic-settings", "dependency-injector", "psycopg"} <= packages
    assert "psycopg[binary]" in " ".join(requirements)
    assert not {"pytest", "pytest-httpserver", "mypy", "ruff"} & packages
    assert requirements == runtime_requirements()


def test_the_same_code_gives_the_same_archive(tmp_path: Path) -> None:
    first = build_package(tmp_path / "a.zip").read_bytes()
    second = build_package(tmp_path / "b.zip").read_bytes()

    assert first == second


def test_the_extracted_archive_imports_the_handler_from_itself(tmp_path: Path) -> None:
    extracted = tmp_path / "function"
    with zipfile.ZipFile(build_package(tmp_path / "function.zip")) as zipped:
        zipped.extractall(extracted)
    script = (
        "import sys; sys.path.insert(0, '.'); import index, entrypoints.function.handler; "
        "print(index.__file__); print(entrypoints.function.handler.__file__); print(callable(index.handler))"
    )

    completed = subprocess.run(
        [sys.executable, "-I", "-c", script], cwd=extracted, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 0, completed.stderr
    index_file, function_file, callable_handler = completed.stdout.split()
    assert Path(index_file).resolve() == (extracted / "index.py").resolve()
    assert Path(function_file).resolve().is_relative_to(extracted.resolve())
    assert callable_handler == "True"


def test_the_archive_leaves_the_sandbox_out_and_still_answers_index_handler(tmp_path: Path) -> None:
    extracted = tmp_path / "function"
    with zipfile.ZipFile(build_package(tmp_path / "function.zip")) as zipped:
        names = zipped.namelist()
        zipped.extractall(extracted)
    script = (
        "import json, sys; sys.path.insert(0, '.'); import index; "
        "print(json.dumps(index.handler(json.loads(sys.stdin.read()), None)))"
    )
    env = {**TEST_ENV, "STATE_URL": f"sqlite:///{tmp_path / 'state.db'}", "PATH": "/usr/bin:/bin"}

    completed = subprocess.run(
        [sys.executable, "-I", "-c", script],
        input=json.dumps(http_event("GET", b"", {})),
        cwd=extracted,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert not [name for name in names if name.startswith("entrypoints/sandbox")]
    assert "entrypoints/function/handler.py" in names
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    assert (answer["statusCode"], json.loads(answer["body"])) == (200, {"status": "ok"})


# --- setup names the variable behind a failure -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (404, "Check TRACKER_QUEUE=NOPE: the queue does not exist, or the robot cannot see it."),
        (401, "Check TRACKER_API_TOKEN (the robot's OAuth token) and TRACKER_ORG_ID: Tracker refused them."),
        (403, "Check TRACKER_ORG_ID and that the robot may administer the queue (TRACKER_QUEUE=NOPE)."),
    ],
)
def test_setup_names_the_variable_behind_a_failure(
    httpserver: HTTPServer, env: dict[str, str | None], status: int, hint: str
) -> None:
    httpserver.expect_request("/tracker/v2/queues/NOPE/localFields").respond_with_json(
        {"errorMessages": ["nope"], "statusCode": status}, status=status
    )

    result = run("setup", env={**env, "TRACKER_QUEUE": "NOPE"})

    assert result.exit_code == 1
    assert f"setup stopped: tracker: {status} on GET /v2/queues/NOPE/localFields" in result.output
    assert f"{hint} Then run setup again: it resumes from there." in result.output
    assert_clean(result.output)


def test_setup_without_the_webhook_scope_says_which_scope_to_give_the_bot(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer
) -> None:
    body = {"error": "insufficient_scope", "error_description": "Required scope: bot_self:webhook:write"}
    httpserver.expect_oneshot_request("/pachca/bot/webhook", method="PUT").respond_with_json(body, status=403)

    result = run("setup", env=env)

    assert result.exit_code == 1
    assert "setup stopped: the Pachca bot's token lacks the scope bot_self:webhook:write" in result.output
    assert f"or enter {PUBLIC_URL} as the URL on the bot's «Исходящий webhook» tab" in result.output
    assert len(tracker.triggers) == 3  # Tracker's part is done; running setup again resumes
    assert_clean(result.output)


def test_doctor_on_a_fresh_install_passes_before_the_first_webhook(
    httpserver: HTTPServer, env: dict[str, str | None], tracker: TrackerServer, tmp_path: Path
) -> None:
    serve_pachca(httpserver)
    serve_y360(httpserver)
    fresh = {**env, "STATE_URL": f"sqlite:///{tmp_path}/fresh/state.db"}
    (tmp_path / "fresh").mkdir()
    assert run("setup", env=fresh).exit_code == 0

    result = run("doctor", env=fresh)

    assert result.exit_code == 0, result.output
    where = tmp_path / "fresh" / "state.db"
    assert f"ok   state store: not created yet: it is created on first use at {where} (writable)" in result.output
    assert not where.exists()
