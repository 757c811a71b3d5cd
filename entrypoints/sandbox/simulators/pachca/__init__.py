"""Pachca's bot API, simulated: chats, threads and messages (`api`), the event history (`history`) and the per-chat
limit on message writes (`ratelimit`)."""
