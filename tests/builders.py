"""Realistic events and webhook bodies, shaped as Pachca and Tracker send them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from entrypoints.sandbox.in_memory_bridge import message, reply, tracker_comment
from entrypoints.sandbox.simulators.webhooks import NOW, SUPPORT_CHAT, message_webhook, thread_webhook

__all__ = ["NOW", "SUPPORT_CHAT", "message", "message_webhook", "only", "reply", "thread_webhook", "tracker_comment"]


def only(items: Sequence[Any], where: Callable[[Any], bool] = lambda _: True) -> Any:
    matching = [i for i in items if where(i)]
    assert len(matching) == 1, f"expected exactly one, got {len(matching)}: {matching}"
    return matching[0]
