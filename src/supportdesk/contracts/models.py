"""Tables of this domain (see the package docstring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKeyConstraint, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class Contract(TenantOwned, Base):
    """A support contract sold to a company: a block of hours or a block of tickets.

    The contract covers whole days from ``starts_at`` (midnight of its first
    day) up to, not including, ``ends_at`` (midnight after its last day).
    ``bill_cycle`` 1 grants the block every calendar month, 2 once for the
    whole contract. Block hours (``contract_type`` 2) are used by the billable
    time entries on the company's tickets, each rounded up to
    ``min_increment`` minutes; unused hours may roll over for
    ``rollover_value`` months. Block tickets (3) are used by the company's
    tickets created during the contract. Names need not be unique; a
    reference number, when given, is.
    """

    __tablename__ = "contracts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "sla_policy_id"], ["sla_policies.tenant_id", "sla_policies.id"]),
        Index("ix_contracts_tenant_name", "tenant_id", "name"),
        Index("ix_contracts_tenant_company", "tenant_id", "company_id", "starts_at"),
        Index("uq_contracts_tenant_reference_number", "tenant_id", "reference_number",
              unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    reference_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    company_id: Mapped[int] = mapped_column(Id, nullable=False)
    contract_type: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    bill_cycle: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    setup_fees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sla_policy_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    category: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    after_hours_included: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    contract_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_increment: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rollover_unused_hours: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    rollover_type: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    rollover_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contract_tickets: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
