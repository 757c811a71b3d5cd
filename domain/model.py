"""The bridge's vocabulary in one import, for the adapters and tests that name several of its values."""

from domain.actions import Action, ButtonPress
from domain.card import Button, Card
from domain.comments import Comment, TrackerComment
from domain.issues import TICKET_TAG, NewIssue, PachcaMessage, summarize, truncate
from domain.links import LINK_FIELD_KEYS, IssueLink
from domain.people import Person
from domain.tickets import ThreadRef, Ticket, TicketKey, unique_for_message
from domain.workflow import StatusType, TicketStatus, Transition, Workflow

__all__ = [
    "LINK_FIELD_KEYS",
    "TICKET_TAG",
    "Action",
    "Button",
    "ButtonPress",
    "Card",
    "Comment",
    "IssueLink",
    "NewIssue",
    "PachcaMessage",
    "Person",
    "StatusType",
    "ThreadRef",
    "Ticket",
    "TicketKey",
    "TicketStatus",
    "TrackerComment",
    "Transition",
    "Workflow",
    "summarize",
    "truncate",
    "unique_for_message",
]
