"""Tables of this domain (see the package docstring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, TenantOwned


class RateLimitPlan(TenantOwned, Base):
    """The limits every API key of a tenant works under (its "plan").

    One row per tenant; a tenant without a row is on the Standard plan (100
    calls an hour, 10,000 tickets an hour, a search costing 5 calls).
    ``is_unlimited`` turns every per-key limit off (sandboxes, test suites).
    """

    __tablename__ = "rate_limit_plans"

    calls_per_window: Mapped[int] = mapped_column(Integer, nullable=False)
    window_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    tickets_per_hour: Mapped[int] = mapped_column(Integer, nullable=False)
    search_cost: Mapped[int] = mapped_column(Integer, nullable=False)
    is_unlimited: Mapped[bool] = mapped_column(default=False, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
