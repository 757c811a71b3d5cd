"""Routing (CHAT_QUEUES): each chat's tickets go to its own queue, and what follows a ticket follows its queue."""

from __future__ import annotations

from typing import Any

from adapters.state.memory import MemoryState
from application.admin.doctor import Doctor, DoctorSettings
from application.admin.setup import SetupTracker
from application.events import ButtonClicked
from application.tracker_events import TRACKER_EVENTS, TrackerStatusChanged
from domain.tickets import QUEUE_FIELDS
from entrypoints.config.settings import variable_names
from ports.admin import Queue
from tests.application.admin.test_doctor import FakeDirectoryAdmin, FakeMessengerAdmin
from tests.application.admin.test_setup import PUBLIC_URL, SECRET, FakeTrackerAdmin
from tests.builders import SUPPORT_CHAT, message, only, reply
from tests.conftest import AGENT, REQUESTER, Bridge, make_bridge

IT_CHAT = 918300
ROUTED = {"CHAT_QUEUES": f"{IT_CHAT}:IT"}


def test_a_chat_of_chat_queues_opens_tickets_in_its_queue_and_the_others_in_tracker_queue() -> None:
    bridge = make_bridge(ROUTED)

    bridge.deliver(message(1, "Нужен доступ к VPN", chat_id=IT_CHAT))
    bridge.deliver(message(2, "Не работает 1С", chat_id=SUPPORT_CHAT))

    assert sorted(bridge.tracker.issues) == ["IT-1", "SERVICEDESK-2"]
    assert bridge.tracker.issues["IT-1"].new.queue == "IT"
    assert bridge.tracker.issues["IT-1"].fields["pachcaChatId"] == str(IT_CHAT)
    assert bridge.tracker.calls["local_field_ids"] == 2  # each queue's own field ids
    card = bridge.messenger.thread_posts(bridge.messenger.threads[1].thread_id)[0]
    assert "IT-1" in card.text and any(b.url == "https://tracker.yandex.ru/IT-1" for row in card.buttons for b in row)


def test_a_chat_of_chat_queues_is_a_support_chat_beside_support_chat_ids() -> None:
    bridge = make_bridge({**ROUTED, "SUPPORT_CHAT_IDS": str(SUPPORT_CHAT)})

    assert bridge.deliver(message(1, "Нужен доступ к VPN", chat_id=IT_CHAT)) == "created"
    assert bridge.deliver(message(2, "Вопрос", chat_id=555)) == "ignored"


def test_buttons_replies_and_the_rating_follow_the_ticket_s_own_queue() -> None:
    bridge = make_bridge(ROUTED)
    bridge.deliver(message(1, "Нужен доступ к VPN", chat_id=IT_CHAT))
    thread = bridge.messenger.threads[1]
    card = bridge.messenger.thread_posts(thread.thread_id)[0]

    assert bridge.deliver(ButtonClicked(card.message_id, IT_CHAT, AGENT, "close:IT-1", "t1")) == "status_changed"
    bridge.deliver(TrackerStatusChanged("IT-1", bridge.clock.now()))
    asked = next(p for p in bridge.messenger.thread_posts(thread.thread_id) if p.text.startswith("Оцените"))
    assert bridge.deliver(ButtonClicked(asked.message_id, asked.chat_id, REQUESTER, "rate:IT-1:4", "r")) == "rated"

    issue = bridge.tracker.issues["IT-1"]
    assert (issue.status, issue.fields["pachcaRating"]) == ("closed", "4")


def test_a_reply_whose_link_was_lost_is_found_in_its_chat_s_queue() -> None:
    bridge = make_bridge(ROUTED)
    bridge.messenger.add_message(1, IT_CHAT, REQUESTER)
    bridge.deliver(message(1, "Нужен доступ к VPN", chat_id=IT_CHAT))
    bridge.state._tickets.clear()  # the bridge's own link is gone: only Tracker's fields remain
    bridge.state._by_key.clear()
    bridge.state._by_thread.clear()

    assert bridge.deliver(reply(bridge.messenger.threads[1], 77, "Жду")) == "commented"
    assert any("Жду" in c.text for c in bridge.tracker.issues["IT-1"].comments)


def test_my_tickets_lists_every_queue_once(bridge: Bridge) -> None:
    bridge = make_bridge(ROUTED)
    bridge.deliver(message(1, "Нужен доступ к VPN", chat_id=IT_CHAT))
    bridge.deliver(message(2, "Не работает 1С", chat_id=SUPPORT_CHAT))
    card = bridge.messenger.posts[0]

    bridge.deliver(ButtonClicked(card.message_id, IT_CHAT, REQUESTER, "mine", "m"))

    listing = only(bridge.messenger.user_posts(REQUESTER)).text
    assert listing.count("IT-1") == 2 and listing.count("SERVICEDESK-2") == 2  # the link's text and its URL


class Queues:
    """A Tracker with several queues, each holding its own fields and triggers."""

    def __init__(self, *keys: str) -> None:
        self.by_queue = {key: FakeTrackerAdmin() for key in keys}
        for key, admin in self.by_queue.items():
            admin.queues = {key: Queue(key, f"Очередь {key}")}

    def __getattr__(self, name: str) -> Any:
        def call(queue: Any = None, *args: Any) -> Any:
            if isinstance(queue, str) and queue in self.by_queue:
                return getattr(self.by_queue[queue], name)(queue, *args)
            first = next(iter(self.by_queue.values()))
            return getattr(first, name)(*([] if queue is None else [queue]), *args)

        return call


def test_setup_prepares_every_queue_named_and_doctor_checks_each() -> None:
    tracker = Queues("SERVICEDESK", "IT")

    lines = SetupTracker(tracker, ("SERVICEDESK", "IT"), PUBLIC_URL, SECRET).execute()

    assert [line for line in lines if line.startswith("IT: created local field")] == [
        f"IT: created local field {spec.key}" for spec in QUEUE_FIELDS
    ]
    kinds = len(TRACKER_EVENTS.kinds)  # a trigger per kind of the catalogue, in each queue
    assert len([line for line in lines if "created trigger" in line]) == 2 * kinds
    for admin in tracker.by_queue.values():
        assert [f.key for f in admin.fields] == [spec.key for spec in QUEUE_FIELDS] and len(admin.stored) == kinds

    settings = DoctorSettings("SERVICEDESK", ("IT",), None, PUBLIC_URL, SECRET)
    del tracker.by_queue["IT"].stored[1]  # the IT queue lost its status trigger
    results = Doctor(
        FakeMessengerAdmin(),
        tracker,
        FakeDirectoryAdmin(),
        MemoryState,
        settings,
        variables=variable_names(),
    ).execute()
    checks = {r.check: r for r in results}
    assert [r.check for r in results].count("tracker token") == 1
    assert checks["tracker queue [IT]"].detail == "IT «Очередь IT»" and not checks["tracker local fields [IT]"].failed
    assert checks['tracker trigger "pachca-bridge: status changed" [IT]'].failed
    assert not checks['tracker trigger "pachca-bridge: status changed" [SERVICEDESK]'].failed
