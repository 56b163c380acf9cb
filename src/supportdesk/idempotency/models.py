"""The remembered outcome of each idempotent request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class IdempotencyRecord(TenantOwned, Base):
    """A request made with an ``Idempotency-Key``, and the response it got.

    Keyed by the API key that sent it and the client's idempotency key, so two
    integrations of one tenant never collide. ``fingerprint`` is a hash of the
    method, path, query and body: the same key with another request is refused.
    While the first request runs, ``status_code`` is null and a concurrent
    retry waits for it; records expire after a day.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (
        Index("ix_idempotency_records_tenant_created", "tenant_id", "created_at"),
    )

    api_key_id: Mapped[int] = mapped_column(Id, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
