"""What the two people on the page do: Олег writes in Pachca, Иван works in Tracker. Each action changes the
simulated API's state as the real one would change, then the simulator sends its webhook to the bridge."""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass, replace

from domain.tickets import ThreadRef
from entrypoints.sandbox.courier import Courier, Reply
from entrypoints.sandbox.simulators.people import IVAN, OLEG
from entrypoints.sandbox.simulators.webhooks import (
    SUPPORT_CHAT,
    button_webhook,
    from_pachca,
    from_tracker,
    message_webhook,
    thread_webhook,
    view_webhook,
)
from entrypoints.sandbox.simulators.world import World

TRACKER_DOWN = "* /tracker/*"
PACHCA_LIMITED = "* /pachca/*"
SLOW_SECONDS = 2.0
FORM_WAIT = 15.0  # seconds a submitted form waits for the bot's answer (slow answers included)


class Refused(ValueError):
    """The action makes no sense now (an unknown thread, issue or form): nothing changes."""


@dataclass(frozen=True)
class Secrets:
    pachca: str
    tracker: str


class Scene:
    """Every Pachca event is also kept in the bot's event history (its «Сохранять историю событий» is on here).
    With the bridge offline, webhooks and triggers fail (their deliveries are shown, refused); in poll mode
    (`polling`) nothing is delivered at all: the bridge reads the history and searches Tracker itself."""

    def __init__(self, world: World, courier: Courier, secrets: Secrets, polling: bool = False) -> None:
        self.world = world
        self.courier = courier
        self.secrets = secrets
        self.polling = polling
        self.offline = False
        world.tracker.on_trigger = self._trigger

    # Олег in Pachca
    def write(self, text: str) -> None:
        post = self.world.pachca.say(OLEG.pachca_id, SUPPORT_CHAT, _text(text))
        url = f"https://app.pachca.com/chats/{SUPPORT_CHAT}?message={post.id}"
        self._from_pachca(
            "message new", message_webhook(post.id, post.content, OLEG.pachca_id, SUPPORT_CHAT, _now(), url=url)
        )

    def reply(self, thread_id: int, text: str) -> None:
        thread = self.world.pachca.thread_by_id(thread_id)
        if thread is None:
            raise Refused("no such thread")
        post = self.world.pachca.say(OLEG.pachca_id, thread.chat_id, _text(text), thread)
        ref = ThreadRef(thread.id, thread.chat_id, thread.message_id, thread.root_chat_id)
        self._from_pachca("message new (в треде)", thread_webhook(ref, post.id, post.content, OLEG.pachca_id, _now()))

    def press(self, message_id: int, data: str) -> None:
        post = self.world.pachca.post(message_id)
        if post is None or not any(b.get("data") == data for row in post.buttons for b in row):
            raise Refused("no such button")
        self._from_pachca("button click", button_webhook(message_id, post.chat_id, OLEG.pachca_id, _now(), data))

    def submit(self, trigger_id: str, values: dict[str, str]) -> dict[str, object]:
        """As Pachca does: the form waits for the bot's answer; field errors keep it open, shown by the fields."""
        form = self.world.pachca.take_form(trigger_id)
        if form is None:
            raise Refused("no such form")
        opened = {"callback_id": form.callback_id, "private_metadata": form.private_metadata}
        answered = self._from_pachca("view submit", view_webhook(opened, OLEG.pachca_id, _now(), values))
        if answered is None:
            return {}  # nothing delivers it now: the bridge reads it from the history later
        try:
            status, body = answered.result(timeout=FORM_WAIT)
        except TimeoutError:
            return {}  # the bridge is slow to answer: the form closes, as Pachca's does
        errors = body.get("errors") if status == 400 and isinstance(body, dict) else None
        if not isinstance(errors, dict):
            return {}
        shown = {str(k): str(v) for k, v in errors.items()}
        self.world.pachca.reopen_form(replace(form, errors=shown, values=values))
        return {"errors": shown}

    # Иван in Tracker
    def comment(self, key: str, text: str) -> None:
        if key not in self.world.issues:
            raise Refused("no such issue")
        self.world.tracker.comment_as(IVAN.uid, key, _text(text))

    def move(self, key: str, transition_id: str) -> None:
        if key not in self.world.issues or not self.world.tracker.move(key, transition_id, IVAN.uid):
            raise Refused("no such move")

    # switches
    def switch(self, name: str, on: bool) -> None:
        routes = {"tracker_down": (TRACKER_DOWN, 503, None), "pachca_limited": (PACHCA_LIMITED, 429, 1.0)}
        if name == "bridge_offline":
            self.offline = on
            return
        if name == "slow":
            self.world.latency = SLOW_SECONDS if on else 0.0
            return
        if name not in routes:
            raise Refused("no such switch")
        route, status, retry_after = routes[name]
        self.world.heal(route)
        if on:
            self.world.inject(route, status, retry_after=retry_after, times=None)

    def switches(self) -> dict[str, bool]:
        active = self.world.faults.active()
        return {
            "tracker_down": TRACKER_DOWN in active,
            "pachca_limited": PACHCA_LIMITED in active,
            "slow": bool(self.world.latency),
            "bridge_offline": self.offline,
        }

    def _from_pachca(self, what: str, payload: dict[str, object]) -> Future[Reply] | None:
        """The webhook on its way (its answer to come), or None when nothing delivers it (poll mode, bridge offline)."""
        self.world.pachca.history.record(payload)
        if self.polling:
            return None
        if self.offline:
            self.courier.refuse("Пачка", what)
            return None
        return self.courier.send("Пачка", what, *from_pachca(payload, self.secrets.pachca))

    def _trigger(self, payload: dict[str, object]) -> None:
        if self.polling:
            return
        if self.offline:
            self.courier.refuse("Трекер", str(payload["type"]))
            return
        self.courier.send("Трекер", str(payload["type"]), *from_tracker(payload, self.secrets.tracker))


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise Refused("empty text")
    return text[:4000]


def _now() -> int:
    return int(time.time())
