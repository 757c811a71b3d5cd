"""The fault tests' view of the simulated world (`entrypoints.sandbox.simulators`): route names and support chats."""

from __future__ import annotations

from entrypoints.sandbox.simulators.pachca.api import Post, Thread
from entrypoints.sandbox.simulators.people import BOT_ID, IVAN, OLEG, PEOPLE, QUEUE, ROBOT_UID, Human
from entrypoints.sandbox.simulators.tracker.records import Comment, Issue
from entrypoints.sandbox.simulators.world import World

__all__ = ["BOT_ID", "IVAN", "OLEG", "PEOPLE", "QUEUE", "ROBOT_UID", "Comment", "Human", "Issue", "Post", "Thread"]
__all__ += ["World", "support_chat"]

SUPPORT_CHATS = 10  # people write in ten support chats: the bot's writes are limited per chat (about 4 a second)

# the routes faults are injected on, named as the world dispatches them
THREAD_OPEN = "POST /pachca/messages/{id}/thread"
MESSAGE_POST = "POST /pachca/messages"
MESSAGE_LIST = "GET /pachca/messages"
ISSUE_CREATE = "POST /tracker/v2/issues/"
COMMENT_ADD = "POST /tracker/v2/issues/{key}/comments"
COMMENT_LIST = "GET /tracker/v2/issues/{key}/comments"
DIRECTORY = "GET /y360/directory/v1/org/{org}/users"


def support_chat(message_id: int) -> int:
    """The chat a person wrote message `message_id` in."""
    return 918264 + message_id % SUPPORT_CHATS
