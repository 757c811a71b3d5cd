"""Who lives in the simulated organisation: a requester, an agent, the bot and the Tracker robot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BOT_ID = 999
ROBOT_UID = "1120000000049224"
ROBOT_LOGIN = "robot-servicedesk"
ROBOT_NAME = "Робот ServiceDesk"
QUEUE = "SERVICEDESK"
QUEUES = {QUEUE: "Служба поддержки", "IT": "ИТ-отдел"}  # what the robot may see
Y360_ORG = "4417"


@dataclass(frozen=True)
class Human:
    pachca_id: int
    first_name: str
    last_name: str
    nickname: str  # in Pachca
    email: str
    login: str  # in Tracker and the directory: not the Pachca nickname; the e-mail ties the two together
    uid: str

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def tracker_ref(self) -> dict[str, str]:
        return {"id": self.uid, "display": self.display_name, "login": self.login}


OLEG = Human(134412, "Олег", "Петров", "olegpetrov", "opetrov@example.com", "opetrov", "1130000000000412")
IVAN = Human(2001, "Иван", "Иванов", "ivan_ivanov", "iivanov@example.com", "iivanov", "1130000000002001")
PEOPLE = (OLEG, IVAN)
ROBOT_REF = {"id": ROBOT_UID, "display": ROBOT_NAME, "login": ROBOT_LOGIN}


def by_uid(uid: str) -> Human | None:
    return next((p for p in PEOPLE if p.uid == uid), None)


def pachca_person(user_id: int) -> dict[str, Any]:
    """A Pachca user as `GET /users/{id}` gives it."""
    for p in PEOPLE:
        if p.pachca_id == user_id:
            names = {"first_name": p.first_name, "last_name": p.last_name, "nickname": p.nickname, "email": p.email}
            return {"id": user_id, **names, "bot": False}
    if user_id == BOT_ID:
        return {"id": BOT_ID, "first_name": "ServiceDesk", "last_name": "", "nickname": "servicedesk_bot", "bot": True}
    return {"id": user_id, "first_name": "Гость", "last_name": "", "nickname": f"user{user_id}", "bot": False}


def directory_user(p: Human) -> dict[str, Any]:
    """A person as the Yandex 360 directory lists them."""
    return {"id": p.uid, "nickname": p.login, "email": p.email, "name": {"first": p.first_name, "last": p.last_name}}
