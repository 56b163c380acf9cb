"""Contacts and their secondary email addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class Contact(TenantOwned, Base):
    """A customer, known by a primary email unique within the tenant."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("uq_contacts_tenant_primary_email", "tenant_id", "primary_email", unique=True),
        Index("ix_contacts_tenant_name", "tenant_id", "name"),
        Index("ix_contacts_tenant_company", "tenant_id", "company_id"),
        ForeignKeyConstraint(
            ["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"]
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # Stored lower-cased: email addresses are compared case-insensitively.
    primary_email: Mapped[str] = mapped_column(String(254), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    mobile: Mapped[str | None] = mapped_column(String(50), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    company_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    is_deleted: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ContactEmail(TenantOwned, Base):
    """A secondary email address of a contact; unique across the tenant."""

    __tablename__ = "contact_emails"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"],
            ondelete="CASCADE",
        ),
        Index("ix_contact_emails_tenant_contact", "tenant_id", "contact_id"),
    )

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    contact_id: Mapped[int] = mapped_column(Id, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
