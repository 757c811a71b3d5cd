"""The bridge's configuration as a typed Settings object (read by `entrypoints.config.configuration`)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from adapters.state.url import check_state_url

QUEUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Pachca's limits for a form's select (docs/pachca.md, «Forms»): the intake topics must fit them
MAX_TOPICS, MAX_TOPIC_LENGTH = 100, 75
DEFAULT_SERVE_STATE_URL = "sqlite:///servicedesk-state.db"
DEFAULT_FUNCTION_STATE_URL = "sqlite:////tmp/servicedesk-state.db"


def _split(separator: str) -> Any:
    def split(value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(separator) if part.strip()]
        return value

    return split


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=False)

    pachca_api_token: SecretStr = Field(validation_alias=AliasChoices("PACHKA_API_TOKEN", "PACHCA_API_TOKEN"))
    webhook_secret: SecretStr | None = Field(None, validation_alias="WEBHOOK_SECRET")  # required unless polling
    bot_user_id: int | None = Field(None, validation_alias="BOT_USER_ID")
    tracker_api_token: SecretStr = Field(validation_alias="TRACKER_API_TOKEN")
    tracker_org_id: str | None = Field(None, validation_alias="TRACKER_ORG_ID")
    tracker_cloud_org_id: str | None = Field(None, validation_alias="TRACKER_CLOUD_ORG_ID")
    tracker_queue: str = Field("SERVICEDESK", validation_alias="TRACKER_QUEUE")
    tracker_webhook_secret: SecretStr | None = Field(None, validation_alias="TRACKER_WEBHOOK_SECRET")
    tracker_create_url: str | None = Field(None, validation_alias="TRACKER_CREATE_URL")
    y360_oauth: SecretStr | None = Field(None, validation_alias="Y360_OAUTH")
    y360_org_id: str | None = Field(None, validation_alias="Y360_ORG_ID")
    pachca_email_domain: str | None = Field(None, validation_alias="PACHCA_EMAIL_DOMAIN")
    pachca_api_url: str = Field("https://api.pachca.com/api/shared/v1", validation_alias="PACHCA_API_URL")
    tracker_api_url: str | None = Field(None, validation_alias="TRACKER_API_URL")
    y360_api_url: str = Field("https://api360.yandex.net", validation_alias="Y360_API_URL")
    tracker_web_url: str = Field("https://tracker.yandex.ru", validation_alias="TRACKER_WEB_URL")
    public_url: str | None = Field(None, validation_alias="PUBLIC_URL")
    state_url: str | None = Field(None, validation_alias="STATE_URL")
    support_chat_ids: Annotated[list[int], NoDecode] = Field([], validation_alias="SUPPORT_CHAT_IDS")
    webhook_max_age_seconds: int = Field(300, ge=1, validation_alias="WEBHOOK_MAX_AGE_SECONDS")
    agent_pachca_user_ids: Annotated[list[int], NoDecode] = Field([], validation_alias="AGENT_PACHCA_USER_IDS")
    intake_topics: Annotated[list[str], NoDecode] = Field([], validation_alias="INTAKE_TOPICS")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    log_format: Literal["json", "text"] | None = Field(None, validation_alias="LOG_FORMAT")
    max_mentions: int = Field(20, ge=0, validation_alias="MAX_MENTIONS")
    retention_days: int = Field(30, ge=0, validation_alias="RETENTION_DAYS")
    max_file_mb: int = Field(50, ge=1, le=1024, validation_alias="MAX_FILE_MB")
    max_files: int = Field(20, ge=0, le=1000, validation_alias="MAX_FILES")
    delivery: Literal["webhooks", "poll"] = Field("webhooks", validation_alias="DELIVERY")
    poll_seconds: float = Field(3.0, gt=0, le=3600, validation_alias="POLL_SECONDS")
    reconcile_minutes: int = Field(60, ge=0, le=7 * 24 * 60, validation_alias="RECONCILE_MINUTES")
    admin_chat_id: int | None = Field(None, validation_alias="ADMIN_CHAT_ID")
    internal_note_markers: Annotated[list[str], NoDecode] = Field(
        ["#внутр", "#internal"], min_length=1, validation_alias="INTERNAL_NOTE_MARKERS"
    )

    _split_ids = field_validator("support_chat_ids", "agent_pachca_user_ids", mode="before")(_split(","))
    _split_topics = field_validator("intake_topics", "internal_note_markers", mode="before")(_split(";"))

    @field_validator(
        "tracker_org_id",
        "tracker_cloud_org_id",
        "bot_user_id",
        "state_url",
        "tracker_webhook_secret",
        "y360_oauth",
        "y360_org_id",
        "pachca_email_domain",
        "public_url",
        "tracker_create_url",
        "tracker_api_url",
        "admin_chat_id",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("pachca_api_token", "webhook_secret", "tracker_api_token", mode="before")
    @classmethod
    def _required_secret(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty")  # an empty signing secret would let anyone sign a webhook
        return value

    @field_validator("delivery", mode="before")
    @classmethod
    def _delivery(cls, value: Any) -> Any:
        return (value.strip().lower() or "webhooks") if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format(cls, value: Any) -> Any:
        return (value.strip().lower() or None) if isinstance(value, str) else value

    @field_validator("intake_topics")
    @classmethod
    def _form_limits(cls, topics: list[str]) -> list[str]:
        if len(topics) > MAX_TOPICS:
            raise ValueError(f"has {len(topics)} topics; a Pachca form offers at most {MAX_TOPICS}")
        too_long = [n for n, topic in enumerate(topics, 1) if len(topic) > MAX_TOPIC_LENGTH]
        if too_long:
            numbers = ", ".join(map(str, too_long))
            raise ValueError(f"has topics longer than {MAX_TOPIC_LENGTH} characters, Pachca's limit: number {numbers}")
        return topics

    @field_validator("tracker_queue")
    @classmethod
    def _queue_key(cls, value: str) -> str:
        if not QUEUE_KEY.match(value):
            raise ValueError("must be a queue key such as SERVICEDESK")
        return value

    @field_validator("state_url")
    @classmethod
    def _state_url(cls, value: str | None) -> str | None:
        if value is not None:
            check_state_url(value)
        return value

    @field_validator("pachca_api_url", "tracker_api_url", "y360_api_url", "tracker_web_url", "tracker_create_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

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
