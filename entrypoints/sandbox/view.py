"""What the page shows, as JSON: the requester's chat with its threads, the agent's issues, the timeline, the outbox."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from entrypoints.sandbox.simulators.pachca.api import Pachca, Post
from entrypoints.sandbox.simulators.people import BOT_ID, PEOPLE, by_uid, pachca_person
from entrypoints.sandbox.simulators.tracker.api import WORKFLOW, Tracker
from entrypoints.sandbox.simulators.tracker.records import STATUSES, Issue
from entrypoints.sandbox.simulators.webhooks import AGENTS_CHAT, IT_CHAT, SUPPORT_CHAT

ADMIN_CHAT = 918400  # the sandbox's ADMIN_CHAT_ID: where problems that need a person are told


def chat(pachca: Pachca) -> dict[str, Any]:
    with pachca.lock:
        everything = sorted(pachca.posts + pachca.said, key=lambda p: p.id)
        threads = {t.message_id: t for t in pachca.threads.values()}
        forms = [asdict(form) for form in pachca.forms]
    thread_chats = {t.chat_id for t in threads.values()}
    top = [p for p in everything if p.chat_id in (SUPPORT_CHAT, IT_CHAT)]
    messages = []
    for post in top:
        thread = threads.get(post.id)
        replies = [p for p in everything if thread and p.chat_id == thread.chat_id]
        where = {"chat_id": post.chat_id, "chat": "ИТ-поддержка" if post.chat_id == IT_CHAT else "Поддержка"}
        messages.append(
            {**_post(post), **where, "thread_id": thread.id if thread else None, "thread": [_post(p) for p in replies]}
        )
    elsewhere = [p for p in everything if p.chat_id not in thread_chats and p.chat_id not in (SUPPORT_CHAT, IT_CHAT)]
    private = [_post(p) for p in elsewhere if p.chat_id not in (ADMIN_CHAT, AGENTS_CHAT)]
    admin = [_post(p) for p in elsewhere if p.chat_id == ADMIN_CHAT]
    agents = [_post(p) for p in elsewhere if p.chat_id == AGENTS_CHAT]
    return {"messages": messages, "private": private, "forms": forms, "admin": admin, "agents": agents}


def issues(tracker: Tracker) -> list[dict[str, Any]]:
    with tracker.lock:
        found = list(tracker.issues.values())
        comments = list(tracker.comments)
    return [_issue(issue, [c for c in comments if c.key == issue.key]) for issue in reversed(found)]


def _post(post: Post) -> dict[str, Any]:
    author = pachca_person(post.user_id)
    name = "ServiceDesk (бот)" if post.user_id == BOT_ID else f"{author['first_name']} {author['last_name']}".strip()
    buttons = [
        [{"text": b.get("text", ""), "url": b.get("url"), "data": b.get("data")} for b in row] for row in post.buttons
    ]
    return {
        "id": post.id,
        "author": name,
        "bot": post.user_id == BOT_ID,
        "text": post.content,
        "buttons": buttons,
        "edits": post.edits,
    }


def _issue(issue: Issue, comments: list[Any]) -> dict[str, Any]:
    moves = [{"id": t, "name": name} for t, name, _ in WORKFLOW[issue.status]]
    shown = []
    for c in comments:
        author = by_uid(c.author)
        called = [p.display_name for p in PEOPLE if p.login in c.summonees]
        name = author.display_name if author else "Робот ServiceDesk"
        shown.append({"id": c.id, "author": name, "text": c.text, "summonees": called})
    return {
        "key": issue.key,
        "summary": issue.summary,
        "description": issue.description,
        "status": STATUSES[issue.status],
        "moves": moves,
        "comments": shown,
        "fields": issue.local_fields,
        "assignee": next((p.display_name for p in PEOPLE if p.uid == issue.assignee), None),
        "links": [{"relationship": r, "key": k} for r, k in issue.links],
    }
