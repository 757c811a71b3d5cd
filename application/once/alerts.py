"""Problems that need a person, told in the admin chat (`ADMIN_CHAT_ID`): what happened and what to do, in Russian,
at most once per kind of problem per hour, whichever instance notices it first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from application.once.writes import Poster
from ports.clock import Clock

log = logging.getLogger("servicedesk.alerts")

HOUR = 3600.0


class Problem(Enum):
    DEAD_EVENT = "dead"
    PACHCA_AUTH = "pachca_auth"
    TRACKER_AUTH = "tracker_auth"
    PROVENANCE = "provenance"
    OUTBOX_GROWING = "outbox"
    HISTORY_OFF = "history_off"


ADVICE: dict[Problem, str] = {
    Problem.DEAD_EVENT: (
        "Мост отказался от события после всех попыток: {detail}. Проверьте `servicedesk-bot doctor` и журнал "
        "по ключу события; то, что не дошло, перенесите вручную."
    ),
    Problem.PACHCA_AUTH: (
        "Пачка отвечает {detail}: токен бота истёк, отозван или ему не хватает прав. Выпустите токен заново "
        "во вкладке «API» бота, обновите PACHKA_API_TOKEN и запустите `servicedesk-bot doctor`."
    ),
    Problem.TRACKER_AUTH: (
        "Трекер отвечает {detail}: OAuth-токен робота истёк, отозван или у робота нет доступа к очереди. "
        "Обновите TRACKER_API_TOKEN (и права робота) и запустите `servicedesk-bot doctor`."
    ),
    Problem.PROVENANCE: (
        "Мост не стал писать в тред: {detail}. Так бывает, когда поля pachca* задачи изменили вручную; "
        "проверьте задачу в Трекере."
    ),
    Problem.OUTBOX_GROWING: (
        "Очередь повторов растёт: {detail}. Пачка или Трекер недоступны либо отвечают ошибками; "
        "запустите `servicedesk-bot doctor`."
    ),
    Problem.HISTORY_OFF: (
        "Вебхуки Пачки приходят, а история событий пуста: {detail}. Включите «Сохранять историю событий» во "
        "вкладке «Исходящий webhook» бота, иначе события, пропущенные во время сбоя, не восстановятся."
    ),
}


@dataclass(frozen=True)
class Alerts:
    """Rules: nothing without an admin chat; one message per kind of problem per clock hour across instances (the
    once-only write log keys it); telling never fails the work that noticed the problem."""

    poster: Poster | None
    clock: Clock
    chat_id: int | None = None

    def tell(self, problem: Problem, detail: str) -> None:
        if self.chat_id is None or self.poster is None:
            return
        hour = int(self.clock.now() // HOUR)
        text = "⚠️ " + ADVICE[problem].format(detail=detail[:300])
        try:
            self.poster.to_chat(f"alert:{problem.value}:{hour}", self.chat_id, text)
        except Exception:  # the admin chat itself unreachable: logged, the work goes on
            log.warning("could not tell the admin chat", extra={"problem": problem.value}, exc_info=True)

    def event_problem(self, what: str, detail: str, status: int | None) -> None:
        """The inbox's hook: a dead or refused event, told by kind (a 401/403 as the token problem it is)."""
        problem = problem_of_status(detail, status)
        if problem is None:
            problem = Problem.PROVENANCE if what == "refused" else Problem.DEAD_EVENT
        self.tell(problem, detail)


def problem_of_status(message: str, status: int | None) -> Problem | None:
    """A 401/403 names an expired or revoked token or a missing permission; the message names the service."""
    if status not in (401, 403):
        return None
    return Problem.TRACKER_AUTH if "tracker:" in message else Problem.PACHCA_AUTH
