"""`doctor`'s Pachca checks: the bot's token and its scopes, the bot's user id, and what the bot sees of people."""

from __future__ import annotations

from collections.abc import Mapping

from application.admin.checks import CheckResult, fail, failed, ok, warn
from application.admin.pachca_webhook import WEBHOOK_SCOPE
from ports.admin import MessengerAdmin, TokenInfo

NEEDED_SCOPES = (
    "messages:create",
    "messages:read",
    "messages:update",
    "threads:create",
    "threads:read",
    "users:read",
    "views:write",
)
USERS_TO_PROBE = 5


class PachcaChecks:
    """`variables` names each setting's environment variable, for the fixes."""

    def __init__(
        self,
        messenger: MessengerAdmin,
        bot_user_id: int | None,
        variables: Mapping[str, str],
        polling: bool = False,
    ) -> None:
        self._polling = polling  # poll mode reads the event history: no webhook to point anywhere
        self._messenger = messenger
        self._bot_user_id = bot_user_id
        self._var = variables

    def execute(self) -> list[CheckResult]:
        try:
            token = self._messenger.token_info()
        except Exception as e:
            fix = f"check {self._var['pachca_api_token']}: the token on the bot's «API» tab"
            return [failed("pachca token", e, fix, "Pachca")]
        webhook = ok("pachca webhook", "not needed: DELIVERY=poll reads the event history")
        if not self._polling:
            webhook = _webhook_scope(token)
        return [_token(token), webhook, self._bot_id(token), self._personal_data()]

    def _bot_id(self, token: TokenInfo) -> CheckResult:
        configured, name = self._bot_user_id, self._var["bot_user_id"]
        if configured is None:
            return ok("pachca bot id", f"{token.user_id} (from the token; {name} is not set)")
        if configured == token.user_id:
            return ok("pachca bot id", f"{name} {configured} matches the token")
        return fail(
            "pachca bot id",
            f"{name} is {configured}, but the token belongs to user {token.user_id}",
            f"set {name}={token.user_id}, or remove it to read it from the token",
        )

    def _personal_data(self) -> CheckResult:
        check = "pachca personal data"
        try:
            people = [user for user in self._messenger.some_users(USERS_TO_PROBE) if not user.is_bot]
        except Exception as e:
            return failed(check, e, "give the bot the users:read scope", "Pachca")
        if not people:
            return ok(check, "no people visible to check")
        if any(person.email for person in people):
            return ok(check, "e-mails are visible to the bot")
        return warn(
            check,
            "Pachca hides e-mails from bots: mentions are matched by nickname only",
            "allow bots to see personal data in the workspace settings",
        )


def _token(token: TokenInfo) -> CheckResult:
    missing = [scope for scope in NEEDED_SCOPES if token.scopes and scope not in token.scopes]
    if missing:
        return warn(
            "pachca token",
            f"the token of user {token.user_id} lacks the scopes " + ", ".join(missing),
            "give the bot these scopes in its settings",
        )
    return ok("pachca token", f"valid, bot user {token.user_id}")


def _webhook_scope(token: TokenInfo) -> CheckResult:
    """setup points the bot's outgoing webhook at PUBLIC_URL with the bot's own token, which needs this scope."""
    if token.scopes and WEBHOOK_SCOPE not in token.scopes:
        return warn(
            "pachca webhook",
            f"the token lacks the scope {WEBHOOK_SCOPE}: setup cannot point the bot's webhook at PUBLIC_URL",
            f"give the bot the scope {WEBHOOK_SCOPE} (its settings, «API» tab) and run setup, or enter PUBLIC_URL "
            "as the URL on its «Исходящий webhook» tab",
        )
    return ok("pachca webhook", "setup may point the bot's webhook at PUBLIC_URL" + _scope_said(token))


def _scope_said(token: TokenInfo) -> str:
    return f" (the token has {WEBHOOK_SCOPE})" if token.scopes else ""
