"""What the bridge keeps about follow-ups: who opened what lately in which chat, which ticket offers to merge into
which, and which was merged. Kept in the store's cache with long expiries (the recent-ticket entry expires with its
window)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.tickets import Ticket, TicketKey
from ports.clock import Clock
from ports.state.records import Cache

KEEP = 365 * 86400.0


@dataclass(frozen=True)
class FollowUps:
    """Rules:
    - a ticket opened by someone whose earlier ticket in the same chat was opened within the window offers to merge
      into that earlier one; a chain of quick tickets all offer the first of them;
    - the offer is decided once per ticket: asking again (a retried event) gives the same answer;
    - a window of 0 offers nothing.
    """

    cache: Cache
    clock: Clock
    window_minutes: int

    def offer_for(self, ticket: Ticket) -> TicketKey | None:
        """The earlier ticket this new one may merge into, if any (decided now, or as decided before)."""
        decided = self.cache.get(_offer(ticket.key), self.clock.now())
        if decided is not None:
            return TicketKey(decided) if decided else None
        if not self.window_minutes:
            return None
        now = self.clock.now()
        recent = self.cache.get(_recent(ticket), now)
        earlier = TicketKey(recent) if recent and recent != str(ticket.key) else None
        self.cache.put(_offer(ticket.key), str(earlier or ""), now + KEEP)
        self.cache.put(_recent(ticket), str(earlier or ticket.key), now + self.window_minutes * 60)
        return earlier

    def offered(self, key: TicketKey) -> TicketKey | None:
        """What the ticket's card offers to merge into (never decides)."""
        decided = self.cache.get(_offer(key), self.clock.now())
        return TicketKey(decided) if decided else None

    def merged_into(self, key: TicketKey) -> TicketKey | None:
        merged = self.cache.get(_merged(key), self.clock.now())
        return TicketKey(merged) if merged else None

    def merged(self, key: TicketKey, into: TicketKey) -> None:
        self.cache.put(_merged(key), str(into), self.clock.now() + KEEP)


def _offer(key: TicketKey) -> str:
    return f"followup:offer:{key}"


def _merged(key: TicketKey) -> str:
    return f"followup:merged:{key}"


def _recent(ticket: Ticket) -> str:
    return f"followup:recent:{ticket.chat_id}:{ticket.requester_id}"
