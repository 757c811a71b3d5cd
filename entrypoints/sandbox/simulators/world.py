"""Pachca, Tracker and the Yandex 360 directory as one stateful world over real HTTP, recording every call.

The world keeps what the bridge did to it (threads opened, messages posted, issues created, comments added) so a
test, the bench or the sandbox's page can see each effect; it injects faults per route (`Faults`) and records every
call with its status and duration. Serve it with `simulators.http.serving(world.app)`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from domain.tickets import unique_for_message
from entrypoints.sandbox.simulators.faults import Fault
from entrypoints.sandbox.simulators.files import Files
from entrypoints.sandbox.simulators.http import Answer, Call, WsgiApp, answer, serving, wsgi_app
from entrypoints.sandbox.simulators.pachca.api import Pachca, Post, Thread
from entrypoints.sandbox.simulators.pachca.ratelimit import SlidingWindow
from entrypoints.sandbox.simulators.people import PEOPLE, Y360_ORG, Human, directory_user
from entrypoints.sandbox.simulators.router import ApiCall, Router
from entrypoints.sandbox.simulators.tracker.api import Tracker, Trigger
from entrypoints.sandbox.simulators.tracker.records import Comment, Issue


class World:
    def __init__(
        self,
        limit: SlidingWindow | None = None,
        chat_of: Callable[[int], int] = lambda _: 0,
        on_trigger: Trigger | None = None,
        on_call: Callable[[ApiCall], None] | None = None,
    ) -> None:
        self.pachca = Pachca(limit, chat_of)
        self.tracker = Tracker(on_trigger)
        directory = ("GET /y360/directory/v1/org/{org}/users", self._directory)
        self.files = Files()
        self.router = Router([*self.pachca.routes, *self.tracker.routes, *self.files.routes, directory], on_call)
        self.faults = self.router.faults
        self.arrivals = self.router.arrivals
        self.calls = self.router.calls
        self.unrouted = self.router.unrouted
        self.base_url = ""
        self.app: WsgiApp = wsgi_app(self.router.handle)

    @contextmanager
    def served(self) -> Iterator[World]:
        """The world on a free loopback port, in a background thread, until the block ends."""
        with serving(self.app) as base:
            self.base_url = base
            try:
                yield self
            finally:
                self.heal()

    def env(self) -> dict[str, str]:
        """The bridge's API settings pointing at this world (served)."""
        assert self.base_url, "serve the world first"
        return {
            "PACHCA_API_URL": f"{self.base_url}/pachca",
            "TRACKER_API_URL": f"{self.base_url}/tracker",
            "Y360_API_URL": f"{self.base_url}/y360",
            "Y360_ORG_ID": Y360_ORG,
        }

    # faults
    def inject(
        self,
        route: str,
        status: int | None = None,
        *,
        retry_after: float | None = None,
        commit: bool = False,
        delay: float = 0.0,
        times: int | None = 1,
    ) -> Fault:
        """Queues a fault on `route` (or every route under a `*` prefix)."""
        return self.faults.add(route, Fault(status, retry_after, commit, delay, times))

    def heal(self, route: str | None = None) -> None:
        self.faults.heal(route)

    @property
    def latency(self) -> float:
        return self.router.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.router.latency = seconds

    @property
    def faults_injected(self) -> int:
        return self.faults.injected

    # what the bridge did
    @property
    def threads(self) -> dict[int, Thread]:
        return self.pachca.threads

    @property
    def posts(self) -> list[Post]:
        return self.pachca.posts

    @property
    def issues(self) -> dict[str, Issue]:
        return self.tracker.issues

    @property
    def comments(self) -> list[Comment]:
        return self.tracker.comments

    def received(self, route: str) -> int:
        return sum(1 for name, _ in self.arrivals if name == route)

    def arrival_times(self, route: str) -> list[float]:
        return [at for name, at in self.arrivals if name == route]

    def outbound(self) -> int:
        return len(self.arrivals)

    def issue_of(self, message_id: int) -> Issue:
        [issue] = [issue for issue in self.issues.values() if issue.unique == unique_for_message(message_id)]
        return issue

    def thread_of(self, message_id: int) -> Thread:
        return self.threads[message_id]

    def thread_of_issue(self, key: str) -> Thread:
        return self.thread_of(int(self.issues[key].local_fields["pachcaMessageId"]))

    def posts_in(self, thread: Thread) -> list[Post]:
        return [post for post in self.posts if post.chat_id == thread.chat_id]

    def cards_of(self, key: str) -> list[Post]:
        return [p for p in self.posts_in(self.thread_of_issue(key)) if p.content.startswith(f"Заявка **{key}**")]

    def comment_as(self, human: Human, key: str, text: str) -> str:
        """A person writes a comment in Tracker (its trigger goes to `on_trigger`, if any)."""
        return self.tracker.comment_as(human.uid, key, text)

    def comments_on(self, key: str) -> list[Comment]:
        return [comment for comment in self.comments if comment.key == key]

    def duplicates(self) -> list[str]:
        """Effects found more than once: issues per `unique`, posts per chat and text, comments per issue and text."""
        with self.pachca.lock, self.tracker.lock:
            counts: Counter[tuple[str, ...]] = Counter(("issue", issue.unique) for issue in self.issues.values())
            counts.update(("post", str(post.chat_id), post.content) for post in self.posts)
            counts.update(("comment", comment.key, comment.text) for comment in self.comments)
        return [" ".join(effect) + f" x{n}" for effect, n in counts.items() if n > 1]

    def assert_one_ticket_each(self, message_ids: list[int]) -> None:
        """Each message: one issue carrying its thread, one card in that thread; nothing else, nothing twice."""
        assert self.duplicates() == []
        for message_id in message_ids:
            issue = self.issue_of(message_id)
            thread = self.thread_of(message_id)
            assert issue.local_fields["pachcaThreadId"] == str(thread.id)
            assert len(self.cards_of(issue.key)) == 1, f"cards of {issue.key}: {self.cards_of(issue.key)}"
        assert len(self.issues) == len(message_ids) == len(self.threads)

    def _directory(self, call: Call, org: str) -> Answer:
        users = [directory_user(p) for p in PEOPLE]
        return answer({"users": users, "page": 1, "pages": 1, "perPage": 1000, "total": len(users)})
