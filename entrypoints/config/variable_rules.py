"""What each configuration variable must hold and a good value for it: the words of every configuration error."""

from __future__ import annotations

from dataclasses import dataclass

HTTP_URL = "must be an http(s) URL"
IDS = "must be whole numbers separated by commas"


@dataclass(frozen=True)
class Rule:
    must: str  # what the value must be, completing "NAME …"
    example: str  # a good value


RULES: dict[str, Rule] = {
    "PACHKA_API_TOKEN": Rule("must be the Pachca bot's token (the bot's «API» tab)", "<the bot's token>"),
    "WEBHOOK_SECRET": Rule("must be the bot's signing secret (its «Исходящий webhook» tab)", "<the signing secret>"),
    "BOT_USER_ID": Rule("must be a whole number: the bot's Pachca user id (the bot's «API» tab)", "4827"),
    "TRACKER_API_TOKEN": Rule("must be the Tracker robot's OAuth token", "<the robot's OAuth token>"),
    "TRACKER_ORG_ID": Rule(
        "must be the Yandex 360 organisation id (Tracker: Administration → Organizations)", "7654321"
    ),
    "TRACKER_CLOUD_ORG_ID": Rule("must be the Yandex Cloud organisation id", "bpf3crucp1v2example"),
    "TRACKER_QUEUE": Rule("must be a queue key: capital Latin letters, digits and _, a letter first", "SERVICEDESK"),
    "TRACKER_WEBHOOK_SECRET": Rule("must be the secret the Tracker triggers send", "<openssl rand -hex 32>"),
    "TRACKER_CREATE_URL": Rule(HTTP_URL, "https://api.tracker.yandex.net/v2/issues/"),
    "Y360_OAUTH": Rule("must be an OAuth token of a Yandex 360 admin with directory:read_users", "<the token>"),
    "Y360_ORG_ID": Rule("must be the Yandex 360 organisation id", "7654321"),
    "PACHCA_EMAIL_DOMAIN": Rule("must be a mail domain", "example.com"),
    "PACHCA_API_URL": Rule(HTTP_URL, "https://api.pachca.com/api/shared/v1"),
    "TRACKER_API_URL": Rule(HTTP_URL, "https://api.tracker.yandex.net"),
    "Y360_API_URL": Rule(HTTP_URL, "https://api360.yandex.net"),
    "TRACKER_WEB_URL": Rule(HTTP_URL, "https://tracker.yandex.ru"),
    "PUBLIC_URL": Rule(HTTP_URL, "https://functions.yandexcloud.net/d4e1example"),
    "STATE_URL": Rule(
        "must be sqlite:///relative/path.db, sqlite:////absolute/path.db, postgresql://… or memory://",
        "sqlite:///servicedesk-state.db",
    ),
    "SUPPORT_CHAT_IDS": Rule(f"{IDS}: Pachca chat ids", "918264,918300"),
    "WEBHOOK_MAX_AGE_SECONDS": Rule("must be a whole number of seconds, at least 1", "300"),
    "AGENT_PACHCA_USER_IDS": Rule(f"{IDS}: Pachca user ids", "12,13"),
    "INTAKE_TOPICS": Rule("must be topics separated by ;", "Доступы;Оборудование;Другое"),
    "LOG_LEVEL": Rule("must be DEBUG, INFO, WARNING, ERROR or CRITICAL", "INFO"),
    "LOG_FORMAT": Rule("must be json or text", "text"),
    "MAX_FILE_MB": Rule("must be a whole number of MiB from 1 to 1024", "50"),
    "MAX_FILES": Rule("must be a whole number of files from 0 to 1000", "20"),
    "INTERNAL_NOTE_MARKERS": Rule("must be markers separated by ;", "#внутр;#internal"),
    "DELIVERY": Rule("must be webhooks or poll", "poll"),
    "POLL_SECONDS": Rule("must be a number of seconds above 0, at most 3600", "3"),
    "RECONCILE_MINUTES": Rule("must be a whole number of minutes from 0 (off) to 10080", "60"),
    "ADMIN_CHAT_ID": Rule("must be a whole number: a Pachca chat id", "918400"),
    "RETENTION_DAYS": Rule("must be a whole number of days, 0 or more", "30"),
}
RULES["PACHCA_API_TOKEN"] = RULES["PACHKA_API_TOKEN"]


def rule_for(name: str, default: object = None) -> Rule:
    """The rule of a variable; one added without a rule still gets its default as the example."""
    return RULES.get(name) or Rule("is not valid (README, «Configuration»)", "" if default is None else str(default))
