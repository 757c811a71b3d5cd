"""`setup`'s Pachca part: the bot's outgoing webhook points at the bridge (`PUBLIC_URL`)."""

from __future__ import annotations

from ports.admin import BotWebhook
from ports.errors import ExternalServiceError, PermanentFailure

WEBHOOK_SCOPE = "bot_self:webhook:write"


class WebhookNotSet(Exception):
    """The messenger did not take the URL; the message says why and what to do."""


class PointPachcaWebhook:
    """Points the bot's webhook at the bridge with the bot's own token.

    - Idempotent: the same URL set again changes nothing.
    - A token without the scope is told which scope to give the bot, and the by-hand alternative.
    - A dry run calls nothing.
    """

    def __init__(self, bot: BotWebhook, public_url: str) -> None:
        self._bot = bot
        self._url = public_url

    def execute(self, dry_run: bool = False) -> str:
        if dry_run:
            return f"would point the Pachca bot's webhook at {self._url}"
        try:
            now = self._bot.set_webhook(self._url)
        except ExternalServiceError as e:
            raise WebhookNotSet(self._why(e)) from e
        return f"pointed the Pachca bot's webhook at {now or self._url}"

    def _why(self, error: ExternalServiceError) -> str:
        by_hand = f"or enter {self._url} as the URL on the bot's «Исходящий webhook» tab"
        if isinstance(error, PermanentFailure) and error.status == 403:
            return (
                f"the Pachca bot's token lacks the scope {WEBHOOK_SCOPE}: give the bot that scope (its settings, "
                f"«API» tab) and run setup again, {by_hand}"
            )
        if isinstance(error, PermanentFailure) and error.status == 401:
            return "Pachca refused the bot's token (401): check PACHKA_API_TOKEN (the bot's «API» tab)"
        return f"Pachca did not take the webhook URL ({error}): run setup again, {by_hand}"
