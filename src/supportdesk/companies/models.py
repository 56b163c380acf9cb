"""Companies and the email domains that attach contacts to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


def fold_name(name: str) -> str:
    """A company name as it is compared: Unicode case folding ("Straße" -> "strasse").

    SQLite's lower() only folds ASCII letters, so the folded form is computed
    here and stored in ``companies.name_folded``.
    """
    return name.casefold()


def _folded_default(context: Any) -> str:
    # Bulk inserts that give only ``name`` (the seeder's) get the folded form too.
    return fold_name(str(context.get_current_parameters()["name"]))


class Company(TenantOwned, Base):
    """A customer organisation; contacts and their tickets belong to it."""

    __tablename__ = "companies"
    __table_args__ = (
        Index("uq_companies_tenant_name", "tenant_id", "name", unique=True),
        Index("ix_companies_tenant_name_folded", "tenant_id", "name_folded"),
        ForeignKeyConstraint(
            ["tenant_id", "sla_policy_id"], ["sla_policies.tenant_id", "sla_policies.id"]
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # fold_name(name): how names are matched, case-insensitively, on both databases.
    name_folded: Mapped[str] = mapped_column(String(600), nullable=False,
                                             default=_folded_default)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str | None] = mapped_column(String(100), nullable=True)
    zipcode: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # None means "helpdesk default": the tenant's default policy applies.
    sla_policy_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class CompanyDomain(TenantOwned, Base):
    """An email domain owned by a company: contacts at that domain join it."""

    __tablename__ = "company_domains"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"],
            ondelete="CASCADE",
        ),
        Index("ix_company_domains_tenant_company", "tenant_id", "company_id"),
    )

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    company_id: Mapped[int] = mapped_column(Id, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
