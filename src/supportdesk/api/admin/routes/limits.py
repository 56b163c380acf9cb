"""Admin API: Rate-limit plans and key usage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.deps import RateLimiterDep
from supportdesk.api.v3.docs import errors
from supportdesk.api.v3.wire import json_response
from supportdesk.ratelimit.schemas import (
    PLAN_EXAMPLE,
    USAGE_EXAMPLE,
    PlanChange,
    plan_record,
    usage_record,
)
from supportdesk.ratelimit.service import get_plan, key_usage, reset_key_usage, set_plan

router = APIRouter(tags=["Admin: Rate limits"])

KeyId = Annotated[int, Path(ge=1, le=2**53, description="The API key's id.")]
READ = errors(400, 401, 403, 404)
WRITE = errors(400, 401, 403, 404)


def _ok(example: Any, description: str, more: dict[int | str, dict[str, Any]]
        ) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}, **more}


@router.get("/rate_limits", operation_id="AdminGetRateLimits",
            summary="Get the tenant's rate-limit plan",
            responses=_ok(PLAN_EXAMPLE, "The plan every key of the tenant works under", READ))
def get_rate_limits(unit: AdminReadUnit) -> Response:
    """Calls per window, tickets per hour, search cost, or unlimited."""
    return json_response(plan_record(get_plan(unit)))


@router.put("/rate_limits", operation_id="AdminSetRateLimits",
            summary="Change the tenant's rate-limit plan",
            description="Starts from `plan` (a preset: `standard` 100 calls/hour, "
            "`per_minute` 50 calls/minute) or the current plan; the numbers given replace "
            "its values; `unlimited` (default false) turns limits off. Applies at once in "
            "this process and within 5 seconds in the others.",
            responses=_ok(PLAN_EXAMPLE, "The plan after the change", WRITE))
def put_rate_limits(unit: AdminWriteUnit, limiter: RateLimiterDep, body: PlanChange
                    ) -> Response:
    """Replace the plan's values that are given."""
    plan = set_plan(unit, preset=body.plan, calls=body.calls,
                    window_seconds=body.window_seconds,
                    tickets_per_hour=body.tickets_per_hour, search_cost=body.search_cost,
                    unlimited=body.unlimited)
    limiter.forget_plan(unit.tenant_id)
    return json_response(plan_record(plan))


@router.get("/rate_limits/usage", operation_id="AdminListKeyUsage",
            summary="Usage of every API key",
            responses=_ok({"count": 1, "usage": [USAGE_EXAMPLE]},
                          "Each key's calls and tickets left", READ))
def get_usage(unit: AdminReadUnit, limiter: RateLimiterDep) -> Response:
    """Every key of the tenant (revoked ones too), in id order."""
    usage = key_usage(unit, limiter)
    return json_response({"count": len(usage), "usage": [usage_record(u) for u in usage]})


@router.get("/rate_limits/usage/{key_id}", operation_id="AdminGetKeyUsage",
            summary="Usage of one API key",
            responses=_ok(USAGE_EXAMPLE, "The key's calls and tickets left", READ))
def get_key_usage(unit: AdminReadUnit, limiter: RateLimiterDep, key_id: KeyId) -> Response:
    """Calls and tickets the key has left, and seconds until each is full again."""
    return json_response(usage_record(key_usage(unit, limiter, key_id=key_id)[0]))


@router.post("/rate_limits/usage/{key_id}/reset", operation_id="AdminResetKeyUsage",
             summary="Give an API key its full allowance back",
             responses=_ok(USAGE_EXAMPLE, "The key's usage after the reset", WRITE))
def post_reset_usage(unit: AdminReadUnit, limiter: RateLimiterDep, key_id: KeyId) -> Response:
    """Forget what the key's call and ticket windows counted: its full allowance is back."""
    return json_response(usage_record(reset_key_usage(unit, limiter, key_id=key_id)))
