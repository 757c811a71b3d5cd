"""The people and ids the tests share, in one place: who writes (the requester), who answers in Pachca (the agent),
who comments in Tracker (the engineer), and the support chat. The ids are the simulated organisation's
(`entrypoints.sandbox.simulators.people`), so the in-memory fakes and the simulators name the same people."""

from __future__ import annotations

from domain.people import Person
from entrypoints.sandbox.in_memory_bridge import AGENT, REQUESTER
from entrypoints.sandbox.simulators.webhooks import SUPPORT_CHAT

__all__ = ["AGENT", "ENGINEER", "REQUESTER", "SUPPORT_CHAT"]

ENGINEER = Person("1130000007986051", "Мария Соколова", "msokolova", "msokolova@example.com")  # a Tracker user
