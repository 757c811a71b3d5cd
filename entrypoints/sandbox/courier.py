"""Delivers the simulated Pachca's and Tracker's webhooks to the bridge over real HTTP, one at a time and in the
order they were sent, as a background worker: whoever sends one (the page, or Tracker while answering the bridge)
never waits for the bridge."""

from __future__ import annotations

import json
import queue
import threading
import time

import requests

from entrypoints.sandbox.timeline import Timeline

Delivery = tuple[str, str, bytes, dict[str, str]]  # who sends it, what it is, body, headers


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

    def send(self, sender: str, what: str, body: bytes, headers: dict[str, str]) -> None:
        self._idle.clear()
        self._queue.put((sender, what, body, headers))

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

    def _deliver(self, sender: str, what: str, body: bytes, headers: dict[str, str]) -> None:
        started, at = time.monotonic(), time.time()
        status: int | None = None
        try:
            reply = self.session.post(self.bridge_url, data=body, headers=headers, timeout=self.timeout)
            status, outcome = reply.status_code, _outcome(reply)
        except requests.RequestException as e:
            outcome = type(e).__name__
        self.timeline.add(f"{sender} → мост", what, status, (time.monotonic() - started) * 1000, outcome, at)


def _outcome(reply: requests.Response) -> str:
    try:
        body = json.loads(reply.content)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("outcome") or body.get("error") or json.dumps(body.get("errors", ""), ensure_ascii=False))
