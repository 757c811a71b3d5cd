"""setup's Pachca part, the use case against a fake bot: the webhook points at PUBLIC_URL, a dry run calls nothing,
and a token without the scope is told which scope to give the bot."""

from __future__ import annotations

import pytest

from application.admin.pachca_webhook import WEBHOOK_SCOPE, PointPachcaWebhook, WebhookNotSet
from ports.admin import BotWebhook
from ports.errors import PermanentFailure, TransientFailure

PUBLIC_URL = "https://functions.yandexcloud.net/d4e1"


class FakeBot:
    def __init__(self, error: Exception | None = None) -> None:
        self.url = ""
        self.calls = 0
        self.error = error

    def set_webhook(self, url: str) -> str:
        self.calls += 1
        if self.error:
            raise self.error
        self.url = url
        return url


def test_the_fake_is_the_port() -> None:
    assert isinstance(FakeBot(), BotWebhook)


def test_the_bots_webhook_points_at_the_public_url() -> None:
    bot = FakeBot()

    said = PointPachcaWebhook(bot, PUBLIC_URL).execute()

    assert bot.url == PUBLIC_URL
    assert said == f"pointed the Pachca bot's webhook at {PUBLIC_URL}"


def test_a_dry_run_calls_nothing() -> None:
    bot = FakeBot()

    said = PointPachcaWebhook(bot, PUBLIC_URL).execute(dry_run=True)

    assert bot.calls == 0 and bot.url == ""
    assert said == f"would point the Pachca bot's webhook at {PUBLIC_URL}"


def test_a_token_without_the_scope_is_told_which_scope_to_give_and_the_way_by_hand() -> None:
    bot = FakeBot(PermanentFailure("pachca: 403 on PUT /bot/webhook", status=403))

    with pytest.raises(WebhookNotSet) as raised:
        PointPachcaWebhook(bot, PUBLIC_URL).execute()

    assert f"lacks the scope {WEBHOOK_SCOPE}: give the bot that scope" in str(raised.value)
    assert f"or enter {PUBLIC_URL} as the URL on the bot's «Исходящий webhook» tab" in str(raised.value)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (PermanentFailure("pachca: 401 on PUT /bot/webhook", status=401), "check PACHKA_API_TOKEN"),
        (TransientFailure("pachca: 503 on PUT /bot/webhook"), "run setup again"),
    ],
)
def test_other_refusals_say_what_to_do(error: Exception, said: str) -> None:
    with pytest.raises(WebhookNotSet, match=said):
        PointPachcaWebhook(FakeBot(error), PUBLIC_URL).execute()
