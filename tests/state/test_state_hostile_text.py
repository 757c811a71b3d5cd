"""Whatever text an event carries, a lone surrogate too, every store keeps it and gives it
back, instead of failing the claim on every redelivery."""

from __future__ import annotations

from typing import Any

from application.events import MessagePosted, load_event
from ports.state.claims import ClaimStatus

T = 1_700_000_000.0


def test_an_event_with_a_lone_surrogate_is_stored_and_read_back(state: Any) -> None:
    event = MessagePosted(56431, 918264, 134412, "Не работает \ud800 вход", "https://app.pachca.com/\udfff")

    claim = state.claim(event.key, event.kind, event.dump(), T, 60.0)
    state.release(event.key, "tracker: 503", T)
    (stored,) = state.claim_due(T + 1, 60.0, 10)

    assert claim.status is ClaimStatus.ACQUIRED
    assert stored.kind == MessagePosted.kind
    assert load_event(MessagePosted, stored.payload) == event
