"""What comes in to change a plan, and the admin API's records for plans and usage."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from supportdesk.ratelimit.buckets import MAX_CAPACITY, MAX_WINDOW, Decision
from supportdesk.ratelimit.plans import TICKET_WINDOW_SECONDS, Plan
from supportdesk.ratelimit.service import KeyUsage


class PlanChange(BaseModel):
    """``PUT /apis/admin/rate_limits``: a preset and/or numbers; the rest is kept."""

    model_config = ConfigDict(extra="forbid")

    plan: Literal["standard", "per_minute"] | None = Field(
        default=None, description="Start from this preset instead of the current plan.")
    calls: int | None = Field(default=None, ge=1, le=MAX_CAPACITY,
                              description="Calls per window, per API key.")
    window_seconds: int | None = Field(default=None, ge=1, le=MAX_WINDOW)
    tickets_per_hour: int | None = Field(default=None, ge=100, le=MAX_CAPACITY)
    search_cost: int | None = Field(default=None, ge=1, le=MAX_CAPACITY,
                                    description="Calls one ticket search costs.")
    unlimited: StrictBool = Field(default=False, description="true turns the limits off.")


def plan_record(plan: Plan) -> dict[str, Any]:
    """A plan in the admin API's words."""
    return {
        "plan": plan.name, "unlimited": plan.is_unlimited, "calls": plan.calls,
        "window_seconds": plan.window_seconds, "tickets_per_hour": plan.tickets_per_hour,
        "search_cost": plan.search_cost,
    }


def _bucket(decision: Decision | None, window: int) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"limit": decision.limit, "window_seconds": window,
            "remaining": decision.remaining, "reset_seconds": decision.reset_seconds}


def usage_record(usage: KeyUsage) -> dict[str, Any]:
    """One key's standing: calls and tickets left, and seconds until nothing is counted
    any more (null: unlimited)."""
    return {
        "id": usage.key_id, "prefix": usage.prefix, "label": usage.label,
        "plan": usage.plan.name, "unlimited": usage.plan.is_unlimited,
        "calls": _bucket(usage.calls, usage.plan.window_seconds),
        "tickets": _bucket(usage.tickets, TICKET_WINDOW_SECONDS),
    }


PLAN_EXAMPLE = {"plan": "standard", "unlimited": False, "calls": 100, "window_seconds": 3600,
                "tickets_per_hour": 10000, "search_cost": 5}
USAGE_EXAMPLE = {
    "id": 1, "prefix": "sd_Ab12Cd", "label": "first key", "plan": "standard",
    "unlimited": False,
    "calls": {"limit": 100, "window_seconds": 3600, "remaining": 97, "reset_seconds": 3642},
    "tickets": {"limit": 10000, "window_seconds": 3600, "remaining": 9910,
                "reset_seconds": 3642},
}
