"""The help-desk rules over real HTTP, through `index.handler` and through `serve`, against the simulated APIs:
pleasantries, the rating after closing, the agents' chat, follow-ups merged."""

from __future__ import annotations

from entrypoints.sandbox.simulators.world import World
from tests.entrypoints.apis import pachca_body, signed
from tests.entrypoints.conftest import Send


def test_a_pleasantry_opens_nothing_and_a_longer_message_with_it_opens_a_ticket(send: Send, apis: World) -> None:
    reply = send("POST", *signed(pachca_body(1, content="Спасибо!! 👍👍")))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "pleasantry"})
    assert apis.issues == {} and apis.posts == [] and apis.threads == {}

    reply = send("POST", *signed(pachca_body(2, content="Спасибо, но принтер так и не печатает")))

    assert (reply.status, reply.body) == (200, {"ok": True, "outcome": "created"})
    assert [i.summary for i in apis.issues.values()] == ["Спасибо, но принтер так и не печатает"]
