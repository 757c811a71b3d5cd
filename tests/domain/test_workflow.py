from __future__ import annotations

from domain.card import Action, Card, StatusType, TicketStatus, Transition, Workflow
from domain.tickets import TicketKey

KEY = TicketKey("SERVICEDESK-7")
CUSTOM = Workflow.from_names({"triage": "new", "fixing": "inProgress", "waiting": "paused", "shipped": "done"})


def test_a_custom_workflow_is_judged_by_tracker_status_types_not_by_key() -> None:
    assert CUSTOM.status("shipped").closed
    assert CUSTOM.status("fixing").taken
    assert not CUSTOM.status("waiting").closed and not CUSTOM.status("waiting").taken


def test_statuses_without_a_known_type_fall_back_to_the_default_keys() -> None:
    default = Workflow.from_names({"odd": "someFutureType"})
    assert default.status("closed").closed and default.status("rejected").closed
    assert default.status("inWork").taken
    assert default.status("odd").type is None and not default.status("odd").closed


def test_a_transition_named_for_the_action_wins_then_one_reaching_a_matching_status() -> None:
    offered = [Transition("toShip", "Отгрузить", "shipped", "Отгружено"), Transition("close", "Закрыть", "x", "X")]
    assert CUSTOM.transition_for(Action.CLOSE, offered) == offered[1]
    assert CUSTOM.transition_for(Action.CLOSE, offered[:1]) == offered[0]
    assert CUSTOM.transition_for(Action.TAKE, offered[:1]) is None


def test_reopen_reaches_any_status_that_is_known_and_not_closed() -> None:
    offered = [Transition("toShip", "", "shipped", ""), Transition("back", "", "waiting", "")]
    assert CUSTOM.transition_for(Action.REOPEN, offered) == offered[1]


def test_the_card_offers_what_the_status_allows() -> None:
    def actions(status: TicketStatus | None) -> list[str | None]:
        return [b.data for b in Card.for_ticket(KEY, "https://tracker.yandex.ru/", status).buttons[1]]

    assert actions(None) == ["take:SERVICEDESK-7", "close:SERVICEDESK-7"]
    assert actions(TicketStatus("fixing", "Чиним", StatusType.IN_PROGRESS)) == ["close:SERVICEDESK-7"]
    assert actions(TicketStatus("shipped", "Отгружено", StatusType.DONE)) == ["reopen:SERVICEDESK-7"]
    assert "Статус: Отгружено" in Card.for_ticket(KEY, "u", TicketStatus("shipped", "Отгружено")).text
