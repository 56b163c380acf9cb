"""The one typed settings object. Nothing else in the code reads the environment."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment settings, read from ``SUPPORTDESK_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SUPPORTDESK_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/supportdesk.db",
        description="SQLAlchemy URL. sqlite:///path or postgresql+psycopg://user@host/db",
    )
    database_replica_urls: str = Field(
        default="",
        description="Comma-separated PostgreSQL URLs of streaming replicas that serve "
        "lag-tolerant reads (lists, search); empty: every read goes to database_url. "
        "PostgreSQL only (see docs/deployment.md).",
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
        description="Failed authentications one client address may make in any "
        "rate_limit_auth_window seconds before it is refused (0 turns the limit off).",
    )
    rate_limit_auth_window: int = Field(default=600, ge=1, le=86400)
    forwarded_allow_ips: str = Field(
        default="",
        description="The reverse proxies / load balancers whose X-Forwarded-For and "
        "X-Forwarded-Proto `serve` believes: comma-separated IP addresses or networks "
        "(10.0.0.0/8), or '*' for every peer (only when nothing else can reach the "
        "server). Empty (the default): none; the client address is the TCP peer's.",
    )
    sqlite_group_commit: int = Field(
        default=32, ge=0, le=1000,
        description="SQLite: at most this many API write requests of one worker share one "
        "transaction and its fsync, each answered once it committed (0: every request "
        "commits on its own). See docs/operations.md, Group commit.",
    )
    data_dir: Path = Field(default=Path("./var/data"), description="Attachment storage directory.")
    attachment_storage: str = Field(
        default="filesystem",
        description="Where attachment bytes live: 'filesystem' (data_dir) or 'database'.",
    )
    max_attachment_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    max_attachments_per_request: int = Field(default=10, ge=1)
    max_request_bytes: int = Field(default=60 * 1024 * 1024, ge=1024)
    max_header_bytes: int = Field(
        default=16 * 1024, ge=1024, le=1024 * 1024,
        description="Most bytes of request headers in all (names plus values); more is a "
        "431. `serve` sets uvicorn's own limit to 4 times this.",
    )
    max_header_field_bytes: int = Field(
        default=8 * 1024, ge=256, le=1024 * 1024,
        description="Most bytes of one request header field (name plus value); more is a 431.",
    )
    max_header_fields: int = Field(
        default=100, ge=16, le=10_000,
        description="Most request header fields; more is a 431.",
    )
    public_url_scheme: str = Field(default="http", description="Scheme used in absolute URLs.")
    port: int = Field(default=8080, ge=1, le=65535)
    worker_healthcheck_seconds: int = Field(
        default=30, ge=1, le=600,
        description="How long `serve --workers N` waits for a worker to answer its "
        "supervisor's health check (at start and every half second) before killing and "
        "restarting it. uvicorn's default of 5 s kills workers that are still importing "
        "the application on a busy machine, over and over.",
    )
    sqlite_cache_mb: int = Field(
        default=4, ge=1, le=1024,
        description="SQLite page cache of each pooled connection, in MB (a worker keeps up "
        "to 20 connections). Pages beyond it come from the OS file cache.",
    )
    malloc_arenas: int = Field(
        default=2, ge=0, le=64,
        description="glibc malloc arenas per server process (`MALLOC_ARENA_MAX` for the "
        "workers); 0 keeps glibc's default of eight per core. Two keep a worker's memory "
        "from growing with the threads that served it (supportdesk/memory.py).",
    )
    search_concurrency: int = Field(
        default=2, ge=1, le=64,
        description="Ticket searches one worker process runs at a time; more wait their "
        "turn. A search scores and sorts every match (100,000 and more at a million "
        "tickets), in memory: this bounds a worker's memory and lets other calls through.",
    )
    export_batch_size: int = Field(
        default=1000, ge=1, le=100_000,
        description="Rows a CSV export reads per query (exports stream batch by batch).",
    )

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

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries == ["*"]:
            return "*"
        for entry in entries:
            # Strictly as uvicorn parses them: it would take a bad entry for a
            # host name and silently never match it.
            try:
                if "/" in entry:
                    ipaddress.ip_network(entry)
                else:
                    ipaddress.ip_address(entry)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network (a network's "
                                 "host bits must be zero); '*' must stand alone") from None
        return ",".join(entries)

    @field_validator("base_domain")
    @classmethod
    def _lower_domain(cls, value: str) -> str:
        return value.strip().lower().rstrip(".")

    @field_validator("database_replica_urls")
    @classmethod
    def _postgres_replicas(cls, value: str) -> str:
        urls = [url.strip() for url in value.split(",") if url.strip()]
        if any(not url.startswith("postgresql") for url in urls):
            raise ValueError("every replica URL must be a postgresql:// URL")
        return ",".join(urls)

    @model_validator(mode="after")
    def _replicas_need_postgres(self) -> Settings:
        if self.database_replica_urls and self.is_sqlite:
            raise ValueError("SUPPORTDESK_DATABASE_REPLICA_URLS needs a PostgreSQL "
                             "SUPPORTDESK_DATABASE_URL; SQLite has no replicas")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def replica_urls(self) -> list[str]:
        """The replica URLs, in the order given (none when the setting is empty)."""
        return self.database_replica_urls.split(",") if self.database_replica_urls else []


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once at start."""
    return Settings()
