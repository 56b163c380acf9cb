"""Tables of this domain (see the package docstring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKeyConstraint, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class TimeEntry(TenantOwned, Base):
    """Time an agent spent on a ticket: when the work started and how many minutes it took.

    ``is_billable`` says whether the customer is charged for it (billable time
    counts against the company's block-hours contracts); ``is_timer_running``
    marks an entry whose timer is still ticking in the agent's UI.
    """

    __tablename__ = "time_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "ticket_number"], ["tickets.tenant_id", "tickets.number"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["tenant_id", "agent_id"], ["agents.tenant_id", "agents.id"]),
        Index("ix_time_entries_tenant_ticket", "tenant_id", "ticket_number", "started_at"),
        Index("ix_time_entries_tenant_agent", "tenant_id", "agent_id", "started_at"),
        Index("ix_time_entries_tenant_started", "tenant_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_number: Mapped[int] = mapped_column(Id, nullable=False)
    agent_id: Mapped[int] = mapped_column(Id, nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    is_billable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_timer_running: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    additional_info: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
