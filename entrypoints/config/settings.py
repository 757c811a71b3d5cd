"""The bridge's configuration as a typed Settings object (read by `entrypoints.config.configuration`).

Each variable is declared once, in `Settings`: its environment name, its default, the check its value passes and
its rule — what it must hold and a good value — which every configuration error quotes. Adding a variable is one
declaration here (and a line in the configuration docs)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, AliasChoices, BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from adapters.state.url import check_state_url
from domain.text.noise import DEFAULT_PLEASANTRIES

QUEUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Pachca's limits for a form's select (docs/pachca.md, «Forms»): the intake topics must fit them
MAX_TOPICS, MAX_TOPIC_LENGTH = 100, 75
MAX_WEBHOOK_AGE = 86_400  # a day: a longer replay window only widens what a stolen webhook body can replay
DEFAULT_SERVE_STATE_URL = "sqlite:///servicedesk-state.db"
DEFAULT_FUNCTION_STATE_URL = "sqlite:////tmp/servicedesk-state.db"
HTTP_URL = "must be an http(s) URL"
IDS = "must be whole numbers separated by commas"


@dataclass(frozen=True)
class Rule:
    must: str  # what the value must be, completing "NAME …"
    example: str  # a good value


def variable(
    name: str, default: Any = ..., *, must: str, example: str | None = None, also: str = "", **limits: Any
) -> Any:
    """One configuration variable: its name (`also`: a second spelling read too), its default (none: required),
    pydantic's `limits` (ge, le, …) and its rule. The example defaults to the default value."""
    if example is None:
        example = "" if default is ... or default is None else str(default)
    alias = AliasChoices(name, also) if also else name
    return Field(default, validation_alias=alias, description=must, examples=[example], **limits)


# What a value goes through before its type is checked. A check that raises ValueError("") lets the variable's
# rule speak; one with words of its own ("is empty", "has 3 topics …") adds them to it.
def _trimmed(value: Any) -> Any:
    """Surrounding blanks dropped: a token mounted from a file keeps its trailing newline otherwise."""
    return value.strip() if isinstance(value, str) else value


def _blank_is_unset(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


def _lowered(value: Any) -> Any:
    return (value.strip().lower() or None) if isinstance(value, str) else value


def _delivery(value: Any) -> Any:
    return (value.strip().lower() or "webhooks") if isinstance(value, str) else value


def _required_secret(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("is empty")  # an empty signing secret would let anyone sign a webhook
    return _one_line_secret(value)


def _optional_secret(value: Any) -> Any:
    return _one_line_secret(_blank_is_unset(value))


def _one_line_secret(value: Any) -> Any:
    """Trimmed; a line break or another control character inside is refused here, before a request header would
    refuse it with the value in its message."""
    value = _trimmed(value)
    if isinstance(value, str) and any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("has a line break or another control character inside (the value is not shown)")
    return value


def _split(separator: str) -> Any:
    def split(value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(separator) if part.strip()]
        return value

    return split


def _http_url(value: str | None) -> str | None:
    if value is not None and urlsplit(value).scheme not in ("http", "https"):
        raise ValueError("")
    return value.rstrip("/") if value else value


def _queue_key(value: str) -> str:
    if not QUEUE_KEY.match(value):
        raise ValueError("")
    return value


def _state_url(value: str | None) -> str | None:
    if value is not None:
        check_state_url(value)
    return value


def _level(value: str) -> str:
    if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError("")
    return value.upper()


def _chat_queues(value: Any) -> Any:
    """`918264:HELP;918300:IT` as (chat id, queue) pairs; a chat named twice is refused."""
    if not isinstance(value, str):
        return value
    pairs = []
    for part in _split(";")(value):
        chat, colon, queue = part.partition(":")
        chat, queue = chat.strip(), queue.strip()
        if not colon or not chat.isdigit() or not QUEUE_KEY.match(queue):
            raise ValueError(f"has {part!r}: each pair must be <chat id>:<queue key>")
        pairs.append((int(chat), queue))
    chats = [chat for chat, _ in pairs]
    if len(set(chats)) != len(chats):
        raise ValueError("names a chat twice: each chat goes to one queue")
    return pairs


def _on_off(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("", "on"):
            return True
        if word == "off":
            return False
        raise ValueError("")
    return value


def _form_limits(topics: list[str]) -> list[str]:
    if len(topics) > MAX_TOPICS:
        raise ValueError(f"has {len(topics)} topics; a Pachca form offers at most {MAX_TOPICS}")
    too_long = [n for n, topic in enumerate(topics, 1) if len(topic) > MAX_TOPIC_LENGTH]
    if too_long:
        numbers = ", ".join(map(str, too_long))
        raise ValueError(f"has topics longer than {MAX_TOPIC_LENGTH} characters, Pachca's limit: number {numbers}")
    return topics


Secret = Annotated[SecretStr, BeforeValidator(_required_secret)]
OptionalSecret = Annotated[SecretStr | None, BeforeValidator(_optional_secret)]
Text = Annotated[str, BeforeValidator(_trimmed)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_is_unset)]
Url = Annotated[str, BeforeValidator(_trimmed), AfterValidator(_http_url)]
OptionalUrl = Annotated[str | None, BeforeValidator(_blank_is_unset), AfterValidator(_http_url)]
OptionalNumber = Annotated[int | None, BeforeValidator(_blank_is_unset)]
Ids = Annotated[list[int], NoDecode, BeforeValidator(_split(","))]
Texts = Annotated[list[str], NoDecode, BeforeValidator(_split(";"))]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=False)

    pachca_api_token: Secret = variable(
        "PACHKA_API_TOKEN", also="PACHCA_API_TOKEN",
        must="must be the Pachca bot's token (the bot's «API» tab)", example="<the bot's token>",
    )  # fmt: skip
    # required unless polling (configuration checks that); set but blank is refused here
    webhook_secret: Annotated[SecretStr | None, BeforeValidator(_required_secret)] = variable(
        "WEBHOOK_SECRET", None,
        must="must be the bot's signing secret (its «Исходящий webhook» tab)", example="<the signing secret>",
    )  # fmt: skip
    bot_user_id: OptionalNumber = variable(
        "BOT_USER_ID", None, must="must be a whole number: the bot's Pachca user id (the bot's «API» tab)",
        example="4827",
    )  # fmt: skip
    tracker_api_token: Secret = variable(
        "TRACKER_API_TOKEN", must="must be the Tracker robot's OAuth token", example="<the robot's OAuth token>"
    )
    tracker_org_id: OptionalText = variable(
        "TRACKER_ORG_ID", None,
        must="must be the Yandex 360 organisation id (Tracker: Administration → Organizations)", example="7654321",
    )  # fmt: skip
    tracker_cloud_org_id: OptionalText = variable(
        "TRACKER_CLOUD_ORG_ID", None, must="must be the Yandex Cloud organisation id", example="bpf3crucp1v2example"
    )
    tracker_queue: Annotated[Text, AfterValidator(_queue_key)] = variable(
        "TRACKER_QUEUE", "SERVICEDESK", must="must be a queue key: capital Latin letters, digits and _, a letter first"
    )
    tracker_webhook_secret: OptionalSecret = variable(
        "TRACKER_WEBHOOK_SECRET", None,
        must="must be the secret the Tracker triggers send", example="<openssl rand -hex 32>",
    )  # fmt: skip
    tracker_create_url: OptionalUrl = variable(
        "TRACKER_CREATE_URL", None, must=HTTP_URL, example="https://api.tracker.yandex.net/v2/issues/"
    )
    y360_oauth: OptionalSecret = variable(
        "Y360_OAUTH", None,
        must="must be an OAuth token of a Yandex 360 admin with directory:read_users", example="<the token>",
    )  # fmt: skip
    y360_org_id: OptionalText = variable(
        "Y360_ORG_ID", None, must="must be the Yandex 360 organisation id", example="7654321"
    )
    pachca_email_domain: OptionalText = variable(
        "PACHCA_EMAIL_DOMAIN", None, must="must be a mail domain", example="example.com"
    )
    pachca_api_url: Url = variable("PACHCA_API_URL", "https://api.pachca.com/api/shared/v1", must=HTTP_URL)
    tracker_api_url: OptionalUrl = variable(
        "TRACKER_API_URL", None, must=HTTP_URL, example="https://api.tracker.yandex.net"
    )
    y360_api_url: Url = variable("Y360_API_URL", "https://api360.yandex.net", must=HTTP_URL)
    tracker_web_url: Url = variable("TRACKER_WEB_URL", "https://tracker.yandex.ru", must=HTTP_URL)
    public_url: OptionalUrl = variable(
        "PUBLIC_URL", None, must=HTTP_URL, example="https://functions.yandexcloud.net/d4e1example"
    )
    state_url: Annotated[OptionalText, AfterValidator(_state_url)] = variable(
        "STATE_URL", None,
        must="must be sqlite:///relative/path.db, sqlite:////absolute/path.db, postgresql://… or memory://",
        example=DEFAULT_SERVE_STATE_URL,
    )  # fmt: skip
    support_chat_ids: Ids = variable("SUPPORT_CHAT_IDS", [], must=f"{IDS}: Pachca chat ids", example="918264,918300")
    webhook_max_age_seconds: int = variable(
        "WEBHOOK_MAX_AGE_SECONDS", 300, ge=1, le=MAX_WEBHOOK_AGE,
        must=f"must be a whole number of seconds from 1 to {MAX_WEBHOOK_AGE} (a day)",
    )  # fmt: skip
    agent_pachca_user_ids: Ids = variable("AGENT_PACHCA_USER_IDS", [], must=f"{IDS}: Pachca user ids", example="12,13")
    intake_topics: Annotated[Texts, AfterValidator(_form_limits)] = variable(
        "INTAKE_TOPICS", [], must="must be topics separated by ;", example="Доступы;Оборудование;Другое"
    )
    log_level: Annotated[Text, AfterValidator(_level)] = variable(
        "LOG_LEVEL", "INFO", must="must be DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )
    log_format: Annotated[Literal["json", "text"] | None, BeforeValidator(_lowered)] = variable(
        "LOG_FORMAT", None, must="must be json or text", example="text"
    )
    max_mentions: int = variable("MAX_MENTIONS", 20, ge=0, must="must be a whole number, 0 or more")
    retention_days: int = variable("RETENTION_DAYS", 30, ge=0, must="must be a whole number of days, 0 or more")
    max_file_mb: int = variable("MAX_FILE_MB", 50, ge=1, le=1024, must="must be a whole number of MiB from 1 to 1024")
    max_files: int = variable("MAX_FILES", 20, ge=0, le=1000, must="must be a whole number of files from 0 to 1000")
    delivery: Annotated[Literal["webhooks", "poll"], BeforeValidator(_delivery)] = variable(
        "DELIVERY", "webhooks", must="must be webhooks or poll", example="poll"
    )
    poll_seconds: float = variable(
        "POLL_SECONDS", 3.0, gt=0, le=3600, must="must be a number of seconds above 0, at most 3600", example="3"
    )
    reconcile_minutes: int = variable(
        "RECONCILE_MINUTES", 60, ge=0, le=7 * 24 * 60, must="must be a whole number of minutes from 0 (off) to 10080"
    )
    admin_chat_id: OptionalNumber = variable(
        "ADMIN_CHAT_ID", None, must="must be a whole number: a Pachca chat id", example="918400"
    )
    internal_note_markers: Texts = variable(
        "INTERNAL_NOTE_MARKERS", ["#внутр", "#internal"], min_length=1,
        must="must be markers separated by ;", example="#внутр;#internal",
    )  # fmt: skip
    chat_queues: Annotated[list[tuple[int, str]], NoDecode, BeforeValidator(_chat_queues)] = variable(
        "CHAT_QUEUES", [], must="must be <chat id>:<queue> pairs separated by ;", example="918264:HELP;918300:IT"
    )
    ignore_messages: Texts = variable(
        "IGNORE_MESSAGES", list(DEFAULT_PLEASANTRIES), must="must be pleasantries separated by ;",
        example="спасибо;ок;👍",
    )  # fmt: skip
    csat: Annotated[bool, BeforeValidator(_on_off)] = variable("CSAT", True, must="must be on or off", example="off")
    agents_chat_id: OptionalNumber = variable(
        "AGENTS_CHAT_ID", None, must="must be a whole number: the Pachca chat id of the support team", example="918300"
    )
    follow_up_minutes: int = variable(
        "FOLLOW_UP_MINUTES", 10, ge=0, le=7 * 24 * 60, must="must be a whole number of minutes from 0 (off) to 10080"
    )

    @model_validator(mode="after")
    def _one_org(self) -> Settings:
        if bool(self.tracker_org_id) == bool(self.tracker_cloud_org_id):
            raise ValueError("org: set exactly one of TRACKER_ORG_ID and TRACKER_CLOUD_ORG_ID")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # the caller passes the environment explicitly; nothing is read behind its back

    @property
    def tracker_base_url(self) -> str:
        if self.tracker_api_url:
            return self.tracker_api_url
        if self.tracker_create_url:
            parts = urlsplit(self.tracker_create_url)
            return f"{parts.scheme}://{parts.netloc}"
        return "https://api.tracker.yandex.net"

    @property
    def polling(self) -> bool:
        """Poll mode: the bridge reads Pachca's event history and searches Tracker itself; nothing calls it."""
        return self.delivery == "poll"

    @property
    def tracker_search_seconds(self) -> float:
        """How often poll mode searches Tracker: at most every max(10, 3 × POLL_SECONDS) seconds."""
        return max(10.0, 3 * self.poll_seconds)

    @property
    def directory_configured(self) -> bool:
        return bool(self.y360_oauth and self.y360_org_id)

    def secret(self, name: str) -> str:
        """The value of the secret setting `name`, or "" when it is not set."""
        value: SecretStr | None = getattr(self, name)
        return "" if value is None else value.get_secret_value()

    def secret_values(self) -> list[str]:
        """Every configured secret: the one list log scrubbing and operator output redact."""
        names = ("pachca_api_token", "webhook_secret", "tracker_api_token", "tracker_webhook_secret", "y360_oauth")
        try:
            password = urlsplit(self.state_url or "").password or ""
        except ValueError:
            password = ""
        return [*(self.secret(name) for name in names), password]


def variable_names() -> dict[str, str]:
    """Each setting's environment variable (the first one read): what messages tell the operator to set."""
    return {name: names[0] for name, names in _spellings().items()}


def known_variables() -> list[str]:
    """Every environment name the settings read, in their order (second spellings included)."""
    return [spelling for names in _spellings().values() for spelling in names]


def rule_for(name: str) -> Rule:
    """The rule a variable declares: what it must hold and a good value."""
    for field_name, names in _spellings().items():
        if name in names:
            field = Settings.model_fields[field_name]
            return Rule(field.description or "", str((field.examples or [""])[0]))
    return Rule("is not valid (README, «Configuration»)", "")


def _spellings() -> dict[str, list[str]]:
    spellings = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        spellings[name] = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [str(alias)]
    return spellings
