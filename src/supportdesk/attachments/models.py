"""Attachment metadata and, for database storage, the bytes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class Attachment(TenantOwned, Base):
    """A file on a ticket (``conversation_position`` None) or on one message."""

    __tablename__ = "attachments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "ticket_number"], ["tickets.tenant_id", "tickets.number"],
            ondelete="CASCADE",
        ),
        Index("ix_attachments_tenant_ticket", "tenant_id", "ticket_number",
              "conversation_position"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_number: Mapped[int] = mapped_column(Id, nullable=False)
    conversation_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # Random, unguessable component of the download URL.
    token: Mapped[str] = mapped_column(String(43), nullable=False)
    storage: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class AttachmentBlob(TenantOwned, Base):
    """Attachment bytes kept in the database (the 'database' storage backend)."""

    __tablename__ = "attachment_blobs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "attachment_id"], ["attachments.tenant_id", "attachments.id"],
            ondelete="CASCADE",
        ),
    )

    attachment_id: Mapped[int] = mapped_column(Id, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
