"""Settings, read from the environment and ``.env`` by the composition root only.

Nothing reads the environment at import time: ``load_settings()`` is called
once by the command that needs it, and a bad or missing value becomes one
``SettingsError`` line that names the setting.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Security(StrEnum):
    SSL = "ssl"  # implicit TLS from the first byte (SMTPS 465, IMAPS 993)
    STARTTLS = "starttls"
    PLAIN = "plain"  # no TLS: only for a server on this machine


# .env.example's example values carry this reserved name (RFC 2606): copied unchanged, they count as unset.
PLACEHOLDER = "your-domain.example"
_MAY_BE_PLACEHOLDERS = ("mail_address", "smtp_host", "smtp_username", "imap_host", "imap_username",
                        "web_base_url", "telegram_webhook_url")  # fmt: skip


class Settings(BaseSettings):
    """Every setting foibot reads; see .env.example for what each one means."""

    _placeholders: set[str] = PrivateAttr(default_factory=set)

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,  # "SMTP_PASSWORD=" in .env means unset
    )

    data_dir: Path = Path("./data")
    database_url: str | None = None
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")
    log_format: str = Field(default="text", pattern=r"^(text|json)$")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_poll_timeout: float = Field(default=10.0, ge=0, le=60)
    notify_seconds: float = Field(default=1.0, gt=0)
    notice_lease_seconds: float = Field(default=60.0, gt=0)
    sweep_minutes: float = Field(default=5.0, gt=0)

    mail_address: str | None = None
    mail_subaddress_separator: str | None = Field(default=None, max_length=1)

    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_security: Security = Security.STARTTLS
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)

    imap_host: str | None = None
    imap_port: int | None = Field(default=None, ge=1, le=65535)
    imap_security: Security = Security.SSL
    imap_username: str | None = None
    imap_password: SecretStr | None = None
    imap_folder: str = "INBOX"
    imap_sent_folder: str | None = None
    imap_sent_append: bool = True
    imap_timeout: float = Field(default=60.0, gt=0)

    outbox_lease_seconds: float = Field(default=120.0, gt=0)
    outbox_poll_seconds: float = Field(default=10.0, gt=0)

    mail_authserv_id: str | None = None

    max_parse_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    parse_seconds: float = Field(default=20.0, gt=0)
    parse_memory_mb: int = Field(default=1024, ge=64)
    parse_workers: int = Field(default=0, ge=0, le=64)  # 0: one per core, at most 4
    worker_name: str = Field(default="", max_length=100)  # a processing worker's name; empty: host name

    limit_requests_per_day: int = Field(default=10, ge=0)
    limit_open_drafts: int = Field(default=20, ge=0)
    limit_batches_per_day: int = Field(default=3, ge=0)
    batch_max_bodies: int = Field(default=500, ge=1, le=500)
    batch_revoke_minutes: float = Field(default=10.0, ge=0)
    send_gap_per_domain_seconds: float = Field(default=60.0, ge=0)
    send_gap_per_mailbox_seconds: float = Field(default=10.0, ge=0)
    telegram_allowed_users: str | None = Field(default=None, pattern=r"^[\d,\s]*$")
    # The web dashboard: off unless WEB_PORT is set. WEB_BASE_URL is how browsers reach it (behind a proxy,
    # its https:// address); sign-in links and calendar feeds are made with it.
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)
    web_base_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$")

    def web_address(self) -> str | None:
        """Where the dashboard is reached, without a trailing slash; None when it is off."""
        if self.web_base_url:
            return self.web_base_url.rstrip("/")
        if self.web_port is None:
            return None
        host = f"[{self.web_host}]" if ":" in self.web_host else self.web_host
        return f"http://{host}:{self.web_port}"

    def allowed_users(self) -> frozenset[int] | None:
        """Return the Telegram ids allowed to use the bot, or None when everyone is."""
        ids = {int(part) for part in (self.telegram_allowed_users or "").replace(" ", "").split(",") if part}
        return frozenset(ids) if ids else None

    def effective_database_url(self) -> str:
        """Return DATABASE_URL, or the embedded SQLite file under DATA_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'foibot.sqlite3').resolve()}"

    @model_validator(mode="after")
    def _drop_placeholders(self) -> Settings:
        for name in _MAY_BE_PLACEHOLDERS:
            value = getattr(self, name)
            if isinstance(value, str) and PLACEHOLDER in value.lower():
                setattr(self, name, None)
                self._placeholders.add(name)
        return self

    def missing(self, *names: str) -> list[str]:
        """Return the environment names of the given settings that have no value (an example value counts)."""
        return [
            f"{name.upper()} (still the example value)" if name in self._placeholders else name.upper()
            for name in names
            if getattr(self, name) in (None, "")
        ]


def load_settings(env_file: Path | str | None = ".env") -> Settings:
    """Read settings once from the environment and ``env_file``; raise SettingsError naming a bad one."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]).upper() or "settings"
        value = error.get("input")
        shown = "" if name.endswith(("PASSWORD", "TOKEN")) else f" (got {value!r})"
        problems.append(f"{name}: {error['msg'].lower()}{shown}")
    return "bad setting " + "; ".join(problems)
