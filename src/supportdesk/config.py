"""The one typed settings object. Nothing else in the code reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment settings, read from ``SUPPORTDESK_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SUPPORTDESK_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/supportdesk.db",
        description="SQLAlchemy URL. sqlite:///path or postgresql+psycopg://user@host/db",
    )
    base_domain: str = Field(
        default="localhost",
        description="Tenants live at <subdomain>.<base_domain>.",
    )
    redis_url: str | None = Field(default=None, description="Optional Redis for shared counters.")
    rate_limit_store: str = Field(
        default="auto",
        description="Where rate-limit counters live: 'auto' (Redis when redis_url is set, "
        "else 'local'), 'local' (a SQLite file in data_dir), 'redis', or 'database' "
        "(a table in the PostgreSQL database).",
    )
    rate_limit_fail_mode: str = Field(
        default="open",
        description="When the counter store fails: 'open' serves the call unlimited, "
        "'closed' refuses it with 503. Either way it is logged.",
    )
    rate_limit_prefix: str = Field(
        default="supportdesk:rl:", description="Prefix of counter names in Redis/the database."
    )
    rate_limit_auth_failures: int = Field(
        default=100, ge=0,
        description="Failed authentications one client address may make before it is "
        "refused (0 turns the limit off); refills over rate_limit_auth_window seconds.",
    )
    rate_limit_auth_window: int = Field(default=600, ge=1, le=86400)
    data_dir: Path = Field(default=Path("./var/data"), description="Attachment storage directory.")
    attachment_storage: str = Field(
        default="filesystem",
        description="Where attachment bytes live: 'filesystem' (data_dir) or 'database'.",
    )
    max_attachment_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    max_attachments_per_request: int = Field(default=10, ge=1)
    max_request_bytes: int = Field(default=60 * 1024 * 1024, ge=1024)
    public_url_scheme: str = Field(default="http", description="Scheme used in absolute URLs.")
    port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("attachment_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if value not in {"filesystem", "database"}:
            raise ValueError("must be 'filesystem' or 'database'")
        return value

    @field_validator("rate_limit_store")
    @classmethod
    def _known_rate_limit_store(cls, value: str) -> str:
        if value not in {"auto", "local", "redis", "database"}:
            raise ValueError("must be 'auto', 'local', 'redis' or 'database'")
        return value

    @field_validator("rate_limit_fail_mode")
    @classmethod
    def _known_fail_mode(cls, value: str) -> str:
        if value not in {"open", "closed"}:
            raise ValueError("must be 'open' or 'closed'")
        return value

    @field_validator("base_domain")
    @classmethod
    def _lower_domain(cls, value: str) -> str:
        return value.strip().lower().rstrip(".")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once at start."""
    return Settings()
