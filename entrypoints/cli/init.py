"""`servicedesk-bot init`: a first-run wizard at a terminal that writes `servicedesk.env`.

It asks only what no API can tell (the two tokens, the signing secret, the organisation id, and where the state
lives), checks each answer at once, and finds the rest itself: the bot's id from its token, the chats the bot is in
(the person picks the support chats by number), which organisation header Tracker accepts, the queues (picked from a
list), and a fresh secret for the Tracker triggers. Secrets are read without echo and never printed. Run it again
to change one value: Enter keeps what the file holds.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import click
import requests

from adapters.http.client import RetryPolicy
from adapters.pachca.admin import HttpPachcaAdmin
from adapters.pachca.messenger import pachca_client
from adapters.state.url import check_state_url
from adapters.tracker.client import tracker_client
from adapters.tracker.queue import HttpTrackerAdmin
from application.admin.checks import problem
from entrypoints.config.env_file import file_values, write_values
from entrypoints.config.settings import Settings
from ports.errors import ExternalServiceError, PermanentFailure

ONE_TRY = RetryPolicy(attempts=1)  # an answer is checked while the person waits: no retries behind their back
TRIES = 3
PACHCA_DEFAULT = str(Settings.model_fields["pachca_api_url"].default)
TRACKER_DEFAULT = "https://api.tracker.yandex.net"
NOT_A_TERMINAL = (
    "init: this is not a terminal, and init asks its questions at one. Write servicedesk.env by hand instead: one "
    "NAME=value per line, the variables of the README's «Configuration» table (at least PACHKA_API_TOKEN, "
    "WEBHOOK_SECRET, TRACKER_API_TOKEN, TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID, TRACKER_WEBHOOK_SECRET and, for "
    "deploy, STATE_URL), readable by you only (chmod 600 servicedesk.env)."
)
T = TypeVar("T")


class GaveUp(Exception):
    """An answer failed its check every time: nothing is written."""


@dataclass(frozen=True)
class Apis:
    pachca: str
    tracker: str


@click.command()
def init() -> None:
    """Ask for the tokens at a terminal, check each at once, find the rest, and write servicedesk.env.

    Asks for the Pachca bot's token and signing secret and the Tracker robot's token; finds the bot's id, the chats
    the bot is in (you pick the support chats), the organisation header that works and the queues (you pick one);
    generates TRACKER_WEBHOOK_SECRET. Secrets are never echoed. Run it again to change one value: Enter keeps it."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(NOT_A_TERMINAL, err=True)
        sys.exit(2)
    environ = os.environ
    values = file_values()
    apis = Apis(
        environ.get("PACHCA_API_URL") or values.get("PACHCA_API_URL") or PACHCA_DEFAULT,
        environ.get("TRACKER_API_URL") or values.get("TRACKER_API_URL") or TRACKER_DEFAULT,
    )
    try:
        Wizard(values, apis).run()
    except GaveUp as e:
        click.echo(f"init: {e}. Nothing was written; run init again when it is fixed.", err=True)
        sys.exit(1)
    except (click.Abort, EOFError):
        click.echo("\ninit: stopped; nothing was written.", err=True)
        sys.exit(1)
    path = write_values(values)
    click.echo(f"\nWrote {path} (readable by you only): {len(values)} variables.")
    if not values.get("STATE_URL", "").startswith("postgres"):
        click.echo(
            "Before deploy: set STATE_URL=postgresql://… (README, «Go live in Yandex Cloud»), then run init again."
        )
    click.echo("Next: servicedesk-bot deploy (after `yc init`), or servicedesk-bot serve to run it here.")


class Wizard:
    """Fills `values` (the file's variables) question by question; only `run`'s end result is written."""

    def __init__(self, values: dict[str, str], apis: Apis, session: requests.Session | None = None) -> None:
        self.values = values
        self.apis = apis
        self.session = session or requests.Session()

    def run(self) -> None:
        click.echo("Setting up servicedesk.env. Secrets are read without echo; Enter keeps a value already set.\n")
        bot = self._pachca()
        self._signing_secret()
        self._chats(bot)
        tracker = self._tracker()
        self._queue(tracker)
        self._state_url()
        if not self.values.get("TRACKER_WEBHOOK_SECRET"):
            self.values["TRACKER_WEBHOOK_SECRET"] = secrets.token_hex(32)
            click.echo("Generated TRACKER_WEBHOOK_SECRET (the Tracker triggers send it; setup puts it in them).")

    # --- Pachca -----------------------------------------------------------------------------------------------------
    def _pachca(self) -> HttpPachcaAdmin:
        click.echo("1. The Pachca bot's token: Pachca → Automations → Integrations → your bot → «API» tab.")

        def check(token: str) -> HttpPachcaAdmin:
            bot = HttpPachcaAdmin(pachca_client(self.session, self.apis.pachca, token, policy=ONE_TRY))
            info = bot.token_info()
            self.values["BOT_USER_ID"] = str(info.user_id)
            click.echo(f"   The token works: bot user {info.user_id}.")
            return bot

        name = "PACHCA_API_TOKEN" if "PACHCA_API_TOKEN" in self.values else "PACHKA_API_TOKEN"
        return self._secret(name, "   Pachca bot token", check, "Pachca")

    def _signing_secret(self) -> None:
        click.echo("2. The bot's signing secret: the same bot → «Исходящий webhook» tab → «Signing secret».")
        self._secret("WEBHOOK_SECRET", "   Signing secret", lambda value: value, "")

    def _chats(self, bot: HttpPachcaAdmin) -> None:
        click.echo("3. The support chats: a top-level message there opens a ticket (direct messages always do).")
        try:
            chats = bot.member_chats()
        except ExternalServiceError as e:
            why = "the bot lacks the scope chats:read" if _status(e) == 403 else problem(e)
            click.echo(
                f"   Cannot list the bot's chats ({why}). Enter chat ids (the number in the chat's address, "
                "app.pachca.com/chats/<id>), separated by commas, or nothing for every chat the bot is in."
            )
            self._ask_plain("SUPPORT_CHAT_IDS", "   Support chat ids", optional=True)
            return
        if not chats:
            click.echo(
                "   The bot is in no chat yet: add it to the support chat (the chat's members → add), then "
                "run init again to pick it. For now every chat the bot joins will be a support chat."
            )
            return
        for number, (chat_id, name) in enumerate(chats, 1):
            click.echo(f"   {number:>3}. {name} ({chat_id})")
        current = self.values.get("SUPPORT_CHAT_IDS", "")
        hint = f"Enter keeps {current}" if current else "Enter: every chat the bot is in"
        picked = _pick(
            click.prompt(f"   Numbers of the support chats, e.g. 1,3 ({hint})", default="", show_default=False),
            len(chats),
        )
        while picked is None:
            picked = _pick(
                click.prompt(f"   Numbers from 1 to {len(chats)}, separated by commas", default="", show_default=False),
                len(chats),
            )
        if picked:
            self.values["SUPPORT_CHAT_IDS"] = ",".join(str(chats[n - 1][0]) for n in picked)
        elif not current:
            self.values.pop("SUPPORT_CHAT_IDS", None)

    # --- Tracker ----------------------------------------------------------------------------------------------------
    def _tracker(self) -> HttpTrackerAdmin:
        click.echo(
            "4. The Tracker robot's OAuth token: signed in as the robot, from an app with tracker:read and "
            "tracker:write (README, «Go live in Yandex Cloud», step 2)."
        )
        token = self._secret("TRACKER_API_TOKEN", "   Tracker robot token", lambda value: value, "")
        click.echo(
            "5. The organisation id: Tracker → Administration → Organizations (Yandex 360: a number; Cloud: bpf…)."
        )
        known = self.values.get("TRACKER_ORG_ID") or self.values.get("TRACKER_CLOUD_ORG_ID") or ""
        for _ in range(TRIES):
            org = click.prompt("   Organisation id", default=known or None, show_default=bool(known)).strip()
            found = self._org_header(token, org)
            if found is not None:
                return found
            click.echo(
                "   Tracker refused the token with this organisation id under both headers: check the id, "
                "and that the token is the robot's."
            )
            token = self._secret("TRACKER_API_TOKEN", "   Tracker robot token (Enter keeps it)", lambda v: v, "")
        raise GaveUp("Tracker accepted neither the token nor the organisation id")

    def _org_header(self, token: str, org: str) -> HttpTrackerAdmin | None:
        """Whichever header Tracker accepts for `org`: X-Org-ID (Yandex 360), then X-Cloud-Org-ID (Cloud)."""
        for name, kind in (("TRACKER_ORG_ID", {"org_id": org}), ("TRACKER_CLOUD_ORG_ID", {"cloud_org_id": org})):
            tracker = HttpTrackerAdmin(tracker_client(self.session, self.apis.tracker, token, policy=ONE_TRY, **kind))
            try:
                robot = tracker.myself()
            except PermanentFailure as e:
                if e.status in (401, 403):
                    continue
                raise GaveUp(f"Tracker answered: {problem(e)}") from e
            except ExternalServiceError as e:
                raise GaveUp(f"Tracker did not answer ({problem(e)}): check TRACKER_API_URL and the network") from e
            self.values.pop("TRACKER_ORG_ID", None)
            self.values.pop("TRACKER_CLOUD_ORG_ID", None)
            self.values[name] = org
            header = "X-Org-ID" if name == "TRACKER_ORG_ID" else "X-Cloud-Org-ID"
            click.echo(f"   Tracker accepts it as {header} ({name}): robot {robot.nickname or robot.id}.")
            return tracker
        return None

    def _queue(self, tracker: HttpTrackerAdmin) -> None:
        click.echo("6. The queue for new tickets.")
        try:
            queues = tracker.queues()
        except ExternalServiceError as e:
            click.echo(f"   Cannot list the queues ({problem(e)}).")
            queues = []
        if not queues:
            self._ask_plain("TRACKER_QUEUE", "   Queue key", default="SERVICEDESK")
            return
        for number, queue in enumerate(queues, 1):
            click.echo(f"   {number:>3}. {queue.key} «{queue.name}»")
        current = self.values.get("TRACKER_QUEUE") or "SERVICEDESK"
        default = next((n for n, q in enumerate(queues, 1) if q.key == current), 1)
        number = click.prompt("   Number of the queue", type=click.IntRange(1, len(queues)), default=default)
        self.values["TRACKER_QUEUE"] = queues[number - 1].key
        click.echo("   The robot must be allowed to administer it: setup creates its fields and triggers there.")

    # --- the store --------------------------------------------------------------------------------------------------
    def _state_url(self) -> None:
        click.echo(
            "7. Where the bridge keeps its state. A cloud function needs PostgreSQL, postgresql://… (README, "
            "«Go live in Yandex Cloud»); Enter without one keeps the default, a local SQLite file for serve."
        )
        current = self.values.get("STATE_URL", "")
        label = "   STATE_URL" + (" (set; Enter keeps it)" if current else " (Enter: none)")
        for _ in range(TRIES):
            answer = click.prompt(label, default="", show_default=False, hide_input=True).strip()
            if not answer:
                return
            problems = _state_url_problem(answer)
            if not problems:
                self.values["STATE_URL"] = answer
                return
            click.echo(f"   {problems}")
        raise GaveUp("STATE_URL was not a store URL")

    # --- asking -----------------------------------------------------------------------------------------------------
    def _secret(self, name: str, label: str, check: Callable[[str], T], service: str) -> T:
        """A secret, without echo; Enter keeps the file's; `check` says at once whether it works."""
        current = self.values.get(name, "")
        for _ in range(TRIES):
            text = label + (" (set; Enter keeps it)" if current else "")
            answer = click.prompt(text, default="", show_default=False, hide_input=True).strip() or current
            if not answer:
                click.echo("   It is required.")
                continue
            try:
                result = check(answer)
            except ExternalServiceError as e:
                refused = _status(e) in (401, 403)
                why = "the token was refused" if refused else f"{service} did not answer: {problem(e)}"
                click.echo(f"   {why}. Check it and enter it again.")
                current = "" if refused else current
                continue
            self.values[name] = answer
            return result
        raise GaveUp(f"{label.strip()} did not pass its check")

    def _ask_plain(self, name: str, label: str, default: str = "", optional: bool = False) -> None:
        current = self.values.get(name, default)
        answer = click.prompt(label, default=current or "", show_default=bool(current)).strip()
        if answer:
            self.values[name] = answer
        elif optional:
            self.values.pop(name, None)


def _pick(answer: str, count: int) -> list[int] | None:
    """`1,3` -> [1, 3]; empty -> []; anything else -> None."""
    parts = [part.strip() for part in answer.replace(" ", ",").split(",") if part.strip()]
    if not all(part.isdigit() and 1 <= int(part) <= count for part in parts):
        return None
    return sorted({int(part) for part in parts})


def _status(error: Exception) -> int | None:
    return error.status if isinstance(error, PermanentFailure) else None


def _state_url_problem(url: str) -> str:
    try:
        kind = check_state_url(url)
    except ValueError as e:
        return str(e)
    return "memory:// is for tests only" if kind == "memory" else ""
