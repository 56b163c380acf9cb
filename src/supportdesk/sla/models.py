"""SLA policies (the timers come with the SLA engine)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned

# The name the wire shows for a ticket or company with no policy at all.
NO_SLA_POLICY = "No SLA Policy"


class SlaPolicy(TenantOwned, Base):
    """A promise of response and resolution times; one is the tenant's default."""

    __tablename__ = "sla_policies"
    __table_args__ = (Index("uq_sla_policies_tenant_name", "tenant_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    is_default: Mapped[bool] = mapped_column(default=False, nullable=False)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
