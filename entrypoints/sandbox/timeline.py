"""What the page's timeline shows, in Russian: every webhook and every outbox pass with the API calls it caused
(a group), and the calls themselves. Only one cause runs at a time in the sandbox (the courier and the drainer take
turns, see `Timeline.cause`), so each call the simulators see belongs to the cause running then."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from entrypoints.sandbox.simulators.router import ApiCall

SERVICES = {"pachca": "Пачка", "tracker": "Трекер", "y360": "Яндекс 360"}
KEEP = 500
# what a webhook is, as the simulators name it
WHAT = {
    "message new": "новое сообщение",
    "message new (в треде)": "ответ в треде",
    "button click": "нажата кнопка",
    "view submit": "отправлена форма",
    "issueCommentEvent": "комментарий в задаче",
    "issueStatusEvent": "смена статуса задачи",
    "issueAssigneeEvent": "смена исполнителя",
    "drain": "проход очереди повторов",
}
# the bridge's answer (`outcome` in its JSON), in words
OUTCOMES = {
    "created": "заявка создана",
    "queued": "в очереди повторов",
    "duplicate": "повтор, уже сделано",
    "posted": "отправлено в Пачку",
    "commented": "комментарий в Трекере",
    "status_changed": "статус изменён",
    "announced": "объявлено в треде",
    "updated": "обновлено",
    "inactive": "не активно",
    "ignored": "пропущено",
    "own_message": "своё сообщение, пропущено",
    "own_comment": "свой комментарий, пропущено",
    "bot_message": "сообщение бота, пропущено",
    "not_a_ticket": "не заявка, пропущено",
    "internal_note": "внутренняя заметка, не в Пачку",
    "form_offered": "предложена форма",
    "form_opened": "открыта форма",
    "listed": "список заявок отправлен",
    "edited": "изменение перенесено",
    "deleted": "удаление перенесено",
    "stale": "устаревшая правка, пропущено",
    "no_transition": "нет такого перехода",
    "forbidden": "нет прав",
    "invalid": "ошибка в форме",
    "unreadable": "не прочитано",
    "not_carried": "не перенесено",
}
ROUTINE = {("GET", "GET /pachca/webhooks/events")}  # the recovery reads the event history every few seconds


@dataclass(frozen=True)
class Entry:
    seq: int
    at: float  # when it started: a webhook's arrival, a call's request
    flow: str  # who called whom, e.g. «Пачка → мост»
    what: str  # what it is: a webhook's kind in words, a call's method and path
    status: int | None
    ms: float
    note: str = ""  # the outcome in words, or a detail such as Retry-After
    outcome: str = ""  # the bridge's own word for its answer (`created`, `queued`, …)
    group: int = 0  # the webhook or pass this entry belongs to (its own seq for the cause itself); 0: none


def said(outcome: str) -> str:
    return OUTCOMES.get(outcome, outcome)


class Timeline:
    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._seq = 0
        self._lock = threading.Lock()
        self._turn = threading.Lock()  # one cause at a time: its calls are told apart from another's
        self._group = 0

    @contextmanager
    def cause(self) -> Iterator[int]:
        """One webhook delivery or one outbox pass: the calls the simulators see meanwhile are its own. Yields the
        group number its own entry takes (`add(..., group=that)`)."""
        with self._turn:
            with self._lock:
                self._seq += 1
                self._group = self._seq
            try:
                yield self._group
            finally:
                self._group = 0

    def add(
        self,
        flow: str,
        what: str,
        status: int | None,
        ms: float,
        note: str = "",
        at: float = 0.0,
        *,
        outcome: str = "",
        group: int | None = None,
    ) -> None:
        with self._lock:
            self._seq += 1
            group = self._group if group is None else group
            entry = Entry(self._seq, at or time.time(), flow, WHAT.get(what, what), status, round(ms, 1), note,
                          outcome, group)  # fmt: skip
            self._entries.append(entry)
            del self._entries[:-KEEP]

    def api_call(self, call: ApiCall) -> None:
        """A call the bridge made to a simulated API (during the cause running now); the recovery's routine reads (the
        event history) every few seconds are shown only when they fail: what they carry shows by itself."""
        if call.status < 400 and (call.method, call.route) in ROUTINE:
            return
        service = call.path.strip("/").split("/", 1)[0]
        path = call.path.removeprefix(f"/{service}")
        note = f"Retry-After: {call.retry_after}" if call.retry_after else ""
        self.add(
            f"мост → {SERVICES.get(service, service)}", f"{call.method} {path}", call.status, call.ms, note, call.at
        )

    def has(self, group: int) -> bool:
        """Whether anything happened in `group` (a pass that made calls is shown even when it finished nothing)."""
        with self._lock:
            return any(e.group == group for e in self._entries)

    def since(self, seq: int) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(e) for e in self._entries if e.seq > seq]
