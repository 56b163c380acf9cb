"""Tenants and API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class Tenant(Base):
    """One helpdesk: a subdomain with its own agents, tickets and settings."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    subdomain: Mapped[str] = mapped_column(String(63), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    # Bumped whenever the tenant's statuses, types, groups, agents, SLA
    # policies or custom fields change, so per-process caches know to reload.
    catalog_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Largest accepted attachment for this tenant, in bytes (None = the deployment's limit).
    max_attachment_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Desk365 sells contracts as a "special access" feature: off until switched on.
    has_contract_access: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false())


class ApiKey(TenantOwned, Base):
    """A key a tenant's integration authenticates with.

    Only the SHA-256 of the key is stored: keys carry 256 random bits, so a
    fast hash is as strong as a slow one and keeps authentication cheap.
    ``key_hash`` is indexed on its own (not behind ``tenant_id``) because a
    request on a host without a tenant subdomain is resolved from the key;
    this is the one global lookup in the schema, a directory table.
    """

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_key_hash", "key_hash", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_admin: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
