"""Delivers the simulated Pachca's and Tracker's webhooks to the bridge over real HTTP, one at a time and in the
order they were sent, as a background worker: whoever sends one (the page, or Tracker while answering the bridge)
never waits for the bridge."""

from __future__ import annotations

import json
import queue
import threading
import time
from concurrent.futures import Future
from typing import Any

import requests

from entrypoints.sandbox.timeline import Timeline, said

Reply = tuple[int | None, Any]  # the bridge's status (None: no answer) and its JSON body
Delivery = tuple[str, str, bytes, dict[str, str], "Future[Reply]"]  # who sends it, what it is, body, headers, reply


class Courier:
    def __init__(self, bridge_url: str, timeline: Timeline, timeout: float = 30.0) -> None:
        self.bridge_url = bridge_url
        self.timeline = timeline
        self.timeout = timeout
        self.session = requests.Session()
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._worker = threading.Thread(target=self._run, name="sandbox-courier", daemon=True)
        self._worker.start()

    def send(self, sender: str, what: str, body: bytes, headers: dict[str, str]) -> Future[Reply]:
        """Queues the webhook; the future holds the bridge's answer once delivered (a form waits for it)."""
        self._idle.clear()
        reply: Future[Reply] = Future()
        self._queue.put((sender, what, body, headers, reply))
        return reply

    def refuse(self, sender: str, what: str) -> None:
        """The bridge is offline: the delivery fails (the sender gives up after its retries), as shown."""
        self.timeline.add(f"{sender} → мост", what, None, 0.0, "мост недоступен: событие ждёт в истории")

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return self._idle.wait(timeout)

    def stop(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=5)

    def _run(self) -> None:
        while (delivery := self._queue.get()) is not None:
            self._deliver(*delivery)
            if self._queue.empty():
                self._idle.set()

    def _deliver(self, sender: str, what: str, body: bytes, headers: dict[str, str], answered: Future[Reply]) -> None:
        with self.timeline.cause() as group:  # the calls the bridge makes meanwhile are this webhook's
            started, at = time.monotonic(), time.time()
            status: int | None = None
            content: Any = None
            try:
                reply = self.session.post(self.bridge_url, data=body, headers=headers, timeout=self.timeout)
                status, content = reply.status_code, _json(reply)
                outcome = _outcome(content)
                note = said(outcome) if outcome else _errors(content)
            except requests.RequestException as e:
                outcome, note = "", f"нет ответа ({type(e).__name__})"
            ms = (time.monotonic() - started) * 1000
            self.timeline.add(f"{sender} → мост", what, status, ms, note, at, outcome=outcome, group=group)
        answered.set_result((status, content))


def _json(reply: requests.Response) -> Any:
    try:
        return json.loads(reply.content)
    except ValueError:
        return None


def _outcome(body: Any) -> str:
    return str(body.get("outcome") or body.get("error") or "") if isinstance(body, dict) else ""


def _errors(body: Any) -> str:
    """A form's field errors, as Pachca would show them beside the fields."""
    errors = body.get("errors") if isinstance(body, dict) else None
    return "; ".join(f"{field}: {text}" for field, text in errors.items()) if isinstance(errors, dict) else ""
