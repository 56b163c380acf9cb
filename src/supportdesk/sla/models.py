"""SLA policies, their per-priority targets, and business-hours calendars.

The timers themselves come with the SLA engine; these tables hold what a
tenant configures in its settings screens.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKeyConstraint, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned

# The name the wire shows for a ticket or company with no policy at all.
NO_SLA_POLICY = "No SLA Policy"
# Whether a policy's minutes run around the clock or only in business hours.
HOURS_MODES = ("calendar", "business")
# Ticket priorities a target can be set for (Low, Medium, High, Urgent).
TARGET_PRIORITIES = (1, 5, 10, 20)


class BusinessHours(TenantOwned, Base):
    """A named working calendar ("UK office"): weekly hours in a timezone.

    ``week`` maps weekday names (``monday`` .. ``sunday``) to a list of
    ``["HH:MM", "HH:MM"]`` working intervals in local time; a day not listed
    is closed. Holidays are rows of ``BusinessHoliday``.
    """

    __tablename__ = "business_hours"
    __table_args__ = (Index("uq_business_hours_tenant_name", "tenant_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    week: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class BusinessHoliday(TenantOwned, Base):
    """A day a business-hours calendar does not work ("2026-12-25 Christmas Day")."""

    __tablename__ = "business_holidays"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "business_hours_id"],
            ["business_hours.tenant_id", "business_hours.id"],
            ondelete="CASCADE",
        ),
    )

    business_hours_id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)


class SlaPolicy(TenantOwned, Base):
    """A promise of response and resolution times; one is the tenant's default.

    ``first_response_minutes`` and ``resolution_minutes`` are the policy-wide
    targets (what ``due_date`` uses today); ``SlaTarget`` rows refine them per
    ticket priority. ``hours_mode`` says whether the minutes count around
    the clock (``calendar``) or only inside ``business_hours_id``.
    """

    __tablename__ = "sla_policies"
    __table_args__ = (
        Index("uq_sla_policies_tenant_name", "tenant_id", "name", unique=True),
        ForeignKeyConstraint(
            ["tenant_id", "business_hours_id"],
            ["business_hours.tenant_id", "business_hours.id"],
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    is_default: Mapped[bool] = mapped_column(default=False, nullable=False)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hours_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="calendar",
                                            server_default="calendar")
    business_hours_id: Mapped[int | None] = mapped_column(Id, nullable=True)


class SlaTarget(TenantOwned, Base):
    """A policy's first-response and resolution minutes for one ticket priority."""

    __tablename__ = "sla_targets"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "sla_policy_id"],
            ["sla_policies.tenant_id", "sla_policies.id"],
            ondelete="CASCADE",
        ),
    )

    sla_policy_id: Mapped[int] = mapped_column(Id, primary_key=True)
    priority: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
