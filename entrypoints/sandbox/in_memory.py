"""Pachca, Tracker and the directory in this process, without HTTP: in-memory stand-ins that record what was done
to them, for the use-case tests and the bench. They are the simulators' in-memory face (`simulators/` is the HTTP
one); mypy checks them against their ports (`as_ports`), and a port contract suite runs the same checks over them and
over the HTTP adapters against the simulators (tests/adapters/test_port_contracts.py)."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from domain.card import Button
from domain.comments import TrackerComment
from domain.files import FileRef, LocalFile
from domain.people import Person
from domain.tickets import QUEUE_FIELDS, NewIssue, ThreadRef, TicketKey
from ports.clock import Clock
from ports.directory import UserDirectory
from ports.errors import FileTooLarge, NotFound, OutcomeUnknown, PermanentFailure, ResolutionRefused
from ports.event_history import HistoryEvent, HistoryPage
from ports.files import MessengerFiles, PachcaUpload, TrackerFiles
from ports.messenger import ButtonRows, ChatMessenger, FormField, MessageInfo, PostedMessage
from ports.tracker import IssueInfo, IssueTracker, Transition


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.t = now

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class FakeTime:
    """A monotonic clock and a sleep that only moves it: waiting without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Faults:
    """Failures to raise on the next calls of a method: `faults.add("post_to_thread", TransientFailure("503"))`.

    An `OutcomeUnknown` is raised after the write took effect, as a lost answer would be.
    """

    def __init__(self) -> None:
        self.queued: dict[str, list[BaseException]] = {}

    def add(self, method: str, *errors: BaseException) -> None:
        self.queued.setdefault(method, []).extend(errors)

    def before(self, method: str) -> None:
        pending = self.queued.get(method)
        if pending and not isinstance(pending[0], OutcomeUnknown):
            raise pending.pop(0)

    def after(self, method: str) -> None:
        pending = self.queued.get(method)
        if pending and isinstance(pending[0], OutcomeUnknown):
            raise pending.pop(0)


SUPPORT_CHAT = 918264  # simulators.webhooks.SUPPORT_CHAT: where the tests' messages are written
DIRECT_CHATS = 7_000_000_000  # the fake's direct chat with a person: this plus their id


class FakeFiles:
    """Files that can be downloaded by URL (a missing URL is a 404), and what was uploaded, read back from disk."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.uploaded: dict[str, tuple[str, bytes]] = {}  # id -> (name, content)
        self.spooled: list[str] = []  # temporary paths handed out, to check they are gone

    def add(self, name: str, content: bytes, url: str | None = None, **ref: Any) -> FileRef:
        url = url or f"https://files.example/{len(self.blobs)}/{name}"
        self.blobs[url] = content
        return FileRef(name, url, **ref)

    @contextmanager
    def download(self, file: FileRef, max_bytes: int) -> Iterator[LocalFile]:
        if file.url not in self.blobs:
            raise NotFound(f"file {file.url}")
        content = self.blobs[file.url]
        if len(content) > max_bytes:
            raise FileTooLarge(f"{len(content)} bytes", file.size)  # stopped part way: the size is not learnt
        fd, path = tempfile.mkstemp(prefix="fake-file-")
        self.spooled.append(path)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        try:
            yield LocalFile(file, path, len(content))
        finally:
            os.unlink(path)

    def keep(self, upload_id: str, file: LocalFile) -> None:
        with open(file.path, "rb") as f:
            self.uploaded[upload_id] = (file.ref.name, f.read())


@dataclass
class Post:
    message_id: int
    entity: str  # "thread:<id>", "chat:<id>" or "user:<id>" (a direct message)
    text: str
    buttons: tuple[tuple[Button, ...], ...]
    user_id: int
    chat_id: int  # where it can be read back: a thread's own chat for a thread post
    files: tuple[PachcaUpload, ...] = ()

    def posted(self) -> PostedMessage:
        url = f"https://app.pachca.com/chats/{self.chat_id}?message={self.message_id}"  # as Pachca answers
        return PostedMessage(self.message_id, self.user_id, self.text, url, self.chat_id)


class FakeChatMessenger:
    def __init__(self, bot_id: int = 999) -> None:
        self.bot_id = bot_id
        self.users: dict[int, Person] = {bot_id: Person(str(bot_id), "Бот", "servicedesk_bot", None, True)}
        self.threads: dict[int, ThreadRef] = {}
        self.messages: dict[int, MessageInfo] = {}  # what people wrote, as `get_message` shows it (add_message)
        self.posts: list[Post] = []
        self.edits: dict[int, tuple[str, tuple[tuple[Button, ...], ...]]] = {}
        self.forms: list[tuple[str, str, list[FormField]]] = []
        self.calls: Counter[str] = Counter()
        self.faults = Faults()
        self.files = FakeFiles()
        self.message_attachments: dict[int, list[FileRef]] = {}
        self._next_id = 50_000

    # test helpers
    def add_user(self, user_id: int, name: str, nickname: str, email: str | None = None, bot: bool = False) -> None:
        self.users[user_id] = Person(str(user_id), name, nickname, email, bot)

    def add_message(
        self, message_id: int, chat_id: int, user_id: int, thread: bool = False, direct: bool = False
    ) -> MessageInfo:
        """A message someone wrote; `thread`: people already talk in its thread (a reply by the author is in it)."""
        self.messages[message_id] = MessageInfo(message_id, chat_id, user_id, direct=direct)
        if thread:
            opened = self.open_thread(message_id)
            self.calls["open_thread"] -= 1  # the people's doing, not the bridge's
            self.posts.append(Post(self._id(), f"thread:{opened.thread_id}", "ответ", (), user_id, opened.chat_id))
        return self.messages[message_id]

    def thread_posts(self, thread_id: int) -> list[Post]:
        return [p for p in self.posts if p.entity == f"thread:{thread_id}"]

    def chat_posts(self, chat_id: int) -> list[Post]:
        return [p for p in self.posts if p.entity == f"chat:{chat_id}"]

    def user_posts(self, user_id: int) -> list[Post]:
        """Direct messages from the bot to the person."""
        return [p for p in self.posts if p.entity == f"user:{user_id}"]

    def total_calls(self) -> int:
        return sum(self.calls.values())

    def _call(self, name: str) -> None:
        self.calls[name] += 1
        self.faults.before(name)

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    # ChatMessenger
    def own_user_id(self) -> int:
        self._call("own_user_id")
        return self.bot_id

    def get_user(self, user_id: int) -> Person:
        self._call("get_user")
        if user_id not in self.users:
            raise NotFound(f"pachca user {user_id}")
        return self.users[user_id]

    def search_users(self, query: str) -> list[Person]:
        self._call("search_users")
        q = query.lower()
        return [
            u
            for u in self.users.values()
            if q in (u.nickname or "").lower() or q in (u.email or "").lower() or q in u.display_name.lower()
        ]

    def open_thread(self, message_id: int) -> ThreadRef:
        self._call("open_thread")
        if message_id not in self.threads:
            known = self.messages.get(message_id)
            chat = known.chat_id if known else SUPPORT_CHAT  # where the tests' messages are written, unless told
            self.threads[message_id] = ThreadRef(self._id(), self._id(), message_id, chat)
        return self.threads[message_id]

    def get_message(self, message_id: int) -> MessageInfo:
        """A message the test added, or one the bridge opened a thread on (its author unknown here: 0)."""
        self._call("get_message")
        thread = self.threads.get(message_id)
        known = self.messages.get(message_id)
        if known is None and thread is None:
            raise NotFound(f"pachca message {message_id}")
        if known is None:
            assert thread is not None
            return MessageInfo(message_id, thread.root_chat_id, 0, thread)
        return MessageInfo(known.message_id, known.chat_id, known.user_id, thread, known.direct)

    def message_url(self, chat_id: int, message_id: int) -> str:
        return f"https://app.pachca.com/chats/{chat_id}?message={message_id}"

    def post_to_thread(
        self, thread: ThreadRef, text: str, buttons: ButtonRows = (), files: Sequence[PachcaUpload] = ()
    ) -> PostedMessage:
        return self._post("post_to_thread", f"thread:{thread.thread_id}", thread.chat_id, text, buttons, files)

    def post_to_chat(self, chat_id: int, text: str, buttons: ButtonRows = ()) -> PostedMessage:
        return self._post("post_to_chat", f"chat:{chat_id}", chat_id, text, buttons)

    def post_to_user(self, user_id: int, text: str) -> PostedMessage:
        return self._post("post_to_user", f"user:{user_id}", DIRECT_CHATS + user_id, text, ())

    def _post(
        self, method: str, entity: str, chat_id: int, text: str, buttons: ButtonRows, files: Sequence[PachcaUpload] = ()
    ) -> PostedMessage:
        self._call(method)
        for file in files:
            assert file.key in self.files.uploaded, f"{file.key} was never uploaded"
        rows = tuple(tuple(row) for row in buttons)
        post = Post(self._id(), entity, text, rows, self.bot_id, chat_id, tuple(files))
        self.posts.append(post)
        self.faults.after(method)
        return post.posted()

    def update_message(self, message_id: int, text: str, buttons: ButtonRows, chat_id: int | None = None) -> None:
        self._call("update_message")
        self.edits[message_id] = (text, tuple(tuple(row) for row in buttons))

    def recent_messages(self, chat_id: int, limit: int = 50) -> list[PostedMessage]:
        self._call("recent_messages")
        posts = [p for p in self.posts if p.chat_id == chat_id][-limit:]
        return [p.posted() for p in reversed(posts)]

    def first_messages(self, chat_id: int, limit: int = 10) -> list[PostedMessage]:
        self._call("first_messages")
        return [p.posted() for p in self.posts if p.chat_id == chat_id][:limit]

    def open_form(
        self, trigger_id: str, callback_id: str, title: str, fields: Sequence[FormField], metadata: str
    ) -> None:
        self._call("open_form")
        self.forms.append((trigger_id, metadata, list(fields)))

    # MessengerFiles
    def message_files(self, message_id: int) -> list[FileRef]:
        self._call("message_files")
        return list(self.message_attachments.get(message_id, []))

    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        self._call("download")
        return self.files.download(file, max_bytes)

    def upload(self, file: LocalFile) -> PachcaUpload:
        self._call("upload")
        key = f"attaches/files/{self._id()}/{file.ref.name}"
        self.files.keep(key, file)
        self.faults.after("upload")
        return PachcaUpload(key, file.ref.name, "image" if file.ref.is_image else "file", file.size)


@dataclass
class FakeIssue:
    key: TicketKey
    new: NewIssue
    fields: dict[str, str]
    status: str = "open"
    resolution: str | None = None
    updated_at: str = "2026-11-27T10:00:00.000+0000"
    comments: list[TrackerComment] = field(default_factory=list)
    description: str = ""
    attachment_ids: list[str] = field(default_factory=list)
    comment_attachments: dict[str, list[str]] = field(default_factory=dict)  # comment id -> attachment ids
    assignee: Person | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (relationship, other key)
    created_by: str = "1120000000049224"  # the robot's uid (FakeIssueTracker.robot): the bridge opened it


WORKFLOW: dict[str, list[Transition]] = {
    "open": [
        Transition("start_progress", "В работу", "inProgress", "В работе"),
        Transition("close", "Закрыть", "closed", "Закрыт"),
    ],
    "inProgress": [Transition("close", "Закрыть", "closed", "Закрыт")],
    "closed": [Transition("reopen", "Переоткрыть", "open", "Открыт")],
}
DISPLAY = {"open": "Открыт", "inProgress": "В работе", "closed": "Закрыт"}
STATUS_TYPES = {"open": "new", "inProgress": "inProgress", "closed": "done"}


class FakeIssueTracker:
    def __init__(self, queue: str = "SERVICEDESK") -> None:
        self.queue = queue
        self.robot = Person("1120000000049224", "Robot", "servicedesk-robot", "robot@example.com")
        self.prefix = "6063181a59590578909db920"
        self.field_keys = [f.key for f in QUEUE_FIELDS]  # the queue has every field the bridge needs
        self.issues: dict[str, FakeIssue] = {}
        self.users: dict[str, Person] = {}
        self.conflicts = 0  # how many creates answered "409, already exists"
        self.workflow = {status: list(moves) for status, moves in WORKFLOW.items()}  # a test may rename statuses
        self.display = dict(DISPLAY)
        self.statuses: dict[str, str] | Exception = dict(STATUS_TYPES)  # or the failure `GET /v2/statuses` meets
        self.resolution_on_close: str = "accepted"  # or "required", or "refused", as workflows differ
        self.long_ids: dict[str, str] = {}  # a comment's longId -> its numeric id: both name it in Tracker's API
        self.calls: Counter[str] = Counter()
        self.faults = Faults()
        self.files = FakeFiles()
        self._comment_id = 600
        self._by_unique: dict[str, TicketKey] = {}

    def comments(self, key: str) -> list[TrackerComment]:
        return self.issues[key].comments

    def total_calls(self) -> int:
        return sum(self.calls.values())

    def human_comment(self, key: str, author: Person, text: str, files: Sequence[FileRef] = ()) -> str:
        self._comment_id += 1
        comment = TrackerComment(TicketKey(key), str(self._comment_id), author, text, tuple(files))
        self.issues[key].comments.append(comment)
        return str(self._comment_id)

    def _call(self, name: str) -> None:
        self.calls[name] += 1
        self.faults.before(name)

    def _issue(self, key: TicketKey) -> FakeIssue:
        if str(key) not in self.issues:
            raise NotFound(f"issue {key}")
        return self.issues[str(key)]

    # IssueTracker
    def myself(self) -> Person:
        self._call("myself")
        return self.robot

    def local_field_ids(self, queue: str) -> dict[str, str]:
        self._call("local_field_ids")
        return {k: f"{self.prefix}--{k}" for k in self.field_keys}

    def create_issue(self, issue: NewIssue, field_ids: Mapping[str, str]) -> TicketKey:
        self._call("create_issue")
        existing = self._by_unique.get(issue.unique)
        if existing is not None:
            self.conflicts += 1  # the real adapter gets a 409 and recovers it through _findByUnique
            return existing
        deleted = [field_ids[k] for k in issue.local_fields if k in field_ids and k not in self.field_keys]
        if deleted:  # as Tracker refuses a field that no longer exists
            raise PermanentFailure(f"tracker: 422 on POST /v2/issues/: unknown fields {deleted}", 422)
        key = TicketKey(f"{issue.queue}-{len(self.issues) + 1}")
        fields = {field_ids[k].split("--")[-1]: v for k, v in issue.local_fields.items() if k in field_ids}
        self._known_attachments(issue.attachment_ids)
        self.issues[str(key)] = FakeIssue(
            key, issue, fields, description=issue.description, attachment_ids=list(issue.attachment_ids)
        )
        self._by_unique[issue.unique] = key
        self.faults.after("create_issue")
        return key

    def find_issue_by_message(self, queue: str, message_id: int) -> TicketKey | None:
        self._call("find_issue_by_message")
        found = (
            i.key
            for i in self.issues.values()
            if i.key.queue == queue and i.fields.get("pachcaMessageId") == str(message_id)
        )
        return next(found, None)

    def get_issue(self, key: TicketKey) -> IssueInfo:
        self._call("get_issue")
        issue = self._issue(key)
        return self._info(issue)

    def _info(self, issue: FakeIssue) -> IssueInfo:
        display = self.display[issue.status]
        return IssueInfo(
            issue.key,
            issue.new.summary,
            issue.status,
            display,
            issue.updated_at,
            None,
            issue.fields,
            assignee=issue.assignee,
            created_by_id=issue.created_by,
        )

    def add_comment(
        self, key: TicketKey, text: str, summonees: Sequence[str] = (), attachment_ids: Sequence[str] = ()
    ) -> str:
        self._call("add_comment")
        issue = self._issue(key)
        self._known_attachments(attachment_ids)
        self._comment_id += 1
        issue.comments.append(TrackerComment(key, str(self._comment_id), self.robot, text))
        issue.comment_attachments[str(self._comment_id)] = list(attachment_ids)
        self.last_summonees = list(summonees)
        self.faults.after("add_comment")
        return str(self._comment_id)

    def get_comment(self, key: TicketKey, comment_id: str) -> TrackerComment:
        self._call("get_comment")
        comment_id = self.long_ids.get(comment_id, comment_id)
        found = [c for c in self._issue(key).comments if c.comment_id == comment_id]
        if not found:
            raise NotFound(f"comment {comment_id}")
        return found[0]

    def recent_comments(self, key: TicketKey) -> list[TrackerComment]:
        self._call("recent_comments")
        return list(self._issue(key).comments[-50:])

    def transitions(self, key: TicketKey) -> list[Transition]:
        self._call("transitions")
        return list(self.workflow[self._issue(key).status])

    def execute_transition(
        self, key: TicketKey, transition_id: str, comment: str = "", resolution: str | None = None
    ) -> None:
        self._call("execute_transition")
        issue = self._issue(key)
        transition = next(t for t in self.workflow[issue.status] if t.id == transition_id)
        closing = transition.to_key in ("closed", "shipped")  # the statuses the fake's workflows close with
        if closing and resolution is None and self.resolution_on_close == "required":
            raise PermanentFailure("tracker: 422: resolution is required", 422)
        if resolution is not None and self.resolution_on_close == "refused":
            raise ResolutionRefused("tracker: 400: resolution is not on the transition screen", 400)
        issue.resolution = resolution if closing else None
        issue.status = transition.to_key
        if comment:  # Tracker adds the transition's comment to the issue
            self._comment_id += 1
            issue.comments.append(TrackerComment(key, str(self._comment_id), self.robot, comment))
        issue.updated_at = f"2026-11-27T10:{len(issue.comments):02d}:{self.calls['execute_transition']:02d}.000+0000"
        self.faults.after("execute_transition")

    def status_types(self) -> dict[str, str]:
        self._call("status_types")
        if isinstance(self.statuses, Exception):
            raise self.statuses
        return dict(self.statuses)

    def open_issues_of(self, queue: str, pachca_user_id: int) -> list[IssueInfo]:
        self._call("open_issues_of")
        return [
            self._info(i)
            for i in self.issues.values()
            if i.key.queue == queue and i.fields.get("pachcaUserId") == str(pachca_user_id) and i.status != "closed"
        ]

    def issues_updated(self, queue: str, within_minutes: int, limit: int) -> list[IssueInfo]:
        """ChangedIssues: every issue of the queue (the fake's times are not the clock's), oldest key first."""
        self._call("issues_updated")
        return [
            IssueInfo(i.key, i.new.summary, i.status, self.display[i.status], i.updated_at, None, i.fields)
            for i in self.issues.values()
            if str(i.key).startswith(f"{queue}-")
        ][:limit]

    def get_user(self, login: str) -> Person | None:
        self._call("get_user")
        return self.users.get(login.lower())

    # IssueChanges
    def set_local_fields(self, key: TicketKey, values: Mapping[str, str]) -> None:
        self._call("set_local_fields")
        issue = self._issue(key)
        issue.fields.update({field_id.split("--")[-1]: value for field_id, value in values.items()})

    def assign(self, key: TicketKey, login: str) -> None:
        self._call("assign")
        self._issue(key).assignee = self.users.get(login.lower()) or Person(login, login, login)

    def link(self, key: TicketKey, relationship: str, other: TicketKey) -> None:
        self._call("link")
        self._issue(other)
        links = self._issue(key).links
        if (relationship, str(other)) not in links:
            links.append((relationship, str(other)))
        self.faults.after("link")

    def _known_attachments(self, attachment_ids: Sequence[str]) -> None:
        unknown = [a for a in attachment_ids if a not in self.files.uploaded]
        if unknown:
            raise PermanentFailure(f"tracker: 400: unknown attachments {unknown}", 400)

    # TrackerFiles
    def download(self, file: FileRef, max_bytes: int) -> AbstractContextManager[LocalFile]:
        self._call("download")
        return self.files.download(file, max_bytes)

    def upload(self, file: LocalFile) -> str:
        self._call("upload")
        attachment_id = f"tmp-{len(self.files.uploaded) + 1}"
        self.files.keep(attachment_id, file)
        self.faults.after("upload")
        return attachment_id

    def description(self, key: TicketKey) -> str:
        self._call("description")
        return self._issue(key).description

    def update_description(self, key: TicketKey, description: str) -> None:
        self._call("update_description")
        self._issue(key).description = description

    def edit_comment(self, key: TicketKey, comment_id: str, text: str) -> None:
        self._call("edit_comment")
        issue = self._issue(key)
        found = [i for i, c in enumerate(issue.comments) if c.comment_id == comment_id]
        if not found:
            raise NotFound(f"comment {comment_id}")
        issue.comments[found[0]] = replace(issue.comments[found[0]], text=text)


class FakeDirectory:
    def __init__(self) -> None:
        self.by_login: dict[str, Person] = {}
        self.calls = 0
        self.down: Exception | None = None

    def people(self) -> Iterator[Person]:
        self.calls += 1  # one walk of the directory
        if self.down:
            raise self.down
        yield from self.by_login.values()


class FakeEventHistory:
    """Pachca's event history (`ports.event_history`): events kept newest first, read by pages, deleted one by one."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.kept: list[HistoryEvent] = []  # oldest first
        self.reads = 0
        self.deleted: list[str] = []
        self.faults = Faults()
        self._ids = 0

    def keep(self, payload: dict[str, Any], created_at: str = "") -> str:
        self._ids += 1
        event_id = f"01KH{self._ids:022d}"
        if self.enabled:
            self.kept.append(
                HistoryEvent(event_id, f"{payload.get('type')}_{payload.get('event')}", payload, created_at)
            )
        return event_id

    def read(self, limit: int, cursor: str | None = None) -> HistoryPage:
        self.reads += 1
        self.faults.before("read")
        newest = [e for e in reversed(self.kept) if cursor is None or e.event_id < cursor]
        page = newest[:limit]
        return HistoryPage(page, page[-1].event_id if len(newest) > limit else None)

    def delete(self, event_id: str) -> None:
        self.faults.before("delete")
        self.kept = [e for e in self.kept if e.event_id != event_id]
        self.deleted.append(event_id)


def as_ports(
    messenger: FakeChatMessenger, tracker: FakeIssueTracker, directory: FakeDirectory, clock: FakeClock
) -> tuple[ChatMessenger, MessengerFiles, IssueTracker, TrackerFiles, UserDirectory, Clock]:
    """The fakes as the ports they stand in for: mypy checks each one against its port, so a port that changes
    breaks the fakes at once, not a test later."""
    return messenger, messenger, tracker, tracker, directory, clock
