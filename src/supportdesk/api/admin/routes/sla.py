"""Admin API: SLA policies and business hours (the model; timers come with the engine)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.admin.settings_docs import (
    ID_PATH,
    NO_CONTENT,
    listing,
    no_content,
    read_ok,
    write_ok,
)
from supportdesk.api.v3.wire import json_response
from supportdesk.sla.business_hours import (
    CalendarView,
    add_business_hours,
    delete_business_hours,
    get_business_hours,
    list_business_hours,
    update_business_hours,
)
from supportdesk.sla.schemas import (
    WEEK_EXAMPLE,
    BusinessHoursCreate,
    BusinessHoursUpdate,
    PolicyCreate,
    PolicyUpdate,
)
from supportdesk.sla.service import (
    PolicyView,
    add_policy,
    delete_policy,
    get_policy,
    list_policies,
    update_policy,
)

router = APIRouter(tags=["Admin: SLA"])

PolicyId = Annotated[int, Path(**ID_PATH, description="The SLA policy's id.")]
HoursId = Annotated[int, Path(**ID_PATH, description="The business hours' id.")]

POLICY_EXAMPLE: dict[str, Any] = {
    "id": 2, "name": "Gold", "is_default": False, "first_response_minutes": 60,
    "resolution_minutes": 480, "hours_mode": "business", "business_hours_id": 1,
    "targets": [{"priority": 20, "first_response_minutes": 15, "resolution_minutes": 120}],
}
HOURS_EXAMPLE: dict[str, Any] = {
    "id": 1, "name": "UK office", "timezone": "Europe/London",
    "week": {**WEEK_EXAMPLE, "saturday": [], "sunday": []},
    "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
}


def policy_record(view: PolicyView) -> dict[str, Any]:
    """An SLA policy with its per-priority targets."""
    policy = view.policy
    return {
        "id": policy.id, "name": policy.name, "is_default": policy.is_default,
        "first_response_minutes": policy.first_response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "hours_mode": policy.hours_mode, "business_hours_id": policy.business_hours_id,
        "targets": [{"priority": t.priority, "first_response_minutes": t.first_response_minutes,
                     "resolution_minutes": t.resolution_minutes} for t in view.targets],
    }


def hours_record(view: CalendarView) -> dict[str, Any]:
    """A business-hours calendar: every weekday listed (empty = closed), holidays by date."""
    return {
        "id": view.id, "name": view.name, "timezone": view.timezone,
        "week": {day: [{"start": start, "end": end} for start, end in spans]
                 for day, spans in view.week.items()},
        "holidays": [{"date": day.isoformat(), "name": name} for day, name in view.holidays],
    }


# --- SLA policies -----------------------------------------------------------------


@router.get("/sla_policies", operation_id="AdminListSlaPolicies", summary="List SLA policies",
            responses=read_ok(listing("sla_policies", POLICY_EXAMPLE), "All SLA policies "
                              "with their targets"))
def get_policies(unit: AdminReadUnit) -> Response:
    """Every SLA policy, oldest first."""
    policies = list_policies(unit)
    return json_response({"count": len(policies),
                          "sla_policies": [policy_record(p) for p in policies]})


@router.post("/sla_policies", operation_id="AdminCreateSlaPolicy",
             summary="Add an SLA policy", status_code=201,
             responses=write_ok(POLICY_EXAMPLE, "The new SLA policy", 201))
def post_policy(unit: AdminWriteUnit, body: PolicyCreate) -> Response:
    """Add a policy with targets per priority, in calendar or business hours."""
    return json_response(policy_record(add_policy(unit, body)), 201)


@router.get("/sla_policies/{policy_id}", operation_id="AdminGetSlaPolicy",
            summary="Get an SLA policy", responses=read_ok(POLICY_EXAMPLE, "The SLA policy"))
def get_one_policy(unit: AdminReadUnit, policy_id: PolicyId) -> Response:
    """One SLA policy by id."""
    return json_response(policy_record(get_policy(unit, policy_id)))


@router.patch("/sla_policies/{policy_id}", operation_id="AdminUpdateSlaPolicy",
              summary="Change an SLA policy",
              responses=write_ok(POLICY_EXAMPLE, "The SLA policy after the change"))
def patch_policy(unit: AdminWriteUnit, policy_id: PolicyId, body: PolicyUpdate) -> Response:
    """Rename, retarget, switch hours or make default; ``targets`` replaces the list."""
    return json_response(policy_record(update_policy(unit, policy_id, body)))


@router.delete("/sla_policies/{policy_id}", operation_id="AdminDeleteSlaPolicy",
               summary="Delete an SLA policy", status_code=204, responses=NO_CONTENT)
def delete_one_policy(unit: AdminWriteUnit, policy_id: PolicyId) -> Response:
    """Delete a policy no ticket or company uses; never the default (409)."""
    delete_policy(unit, policy_id)
    return no_content()


# --- business hours ---------------------------------------------------------------


@router.get("/business_hours", operation_id="AdminListBusinessHours",
            summary="List business hours",
            responses=read_ok(listing("business_hours", HOURS_EXAMPLE), "All business-hours "
                              "calendars"))
def get_calendars(unit: AdminReadUnit) -> Response:
    """Every business-hours calendar, oldest first."""
    calendars = list_business_hours(unit)
    return json_response({"count": len(calendars),
                          "business_hours": [hours_record(c) for c in calendars]})


@router.post("/business_hours", operation_id="AdminCreateBusinessHours",
             summary="Add business hours", status_code=201,
             responses=write_ok(HOURS_EXAMPLE, "The new calendar", 201))
def post_calendar(unit: AdminWriteUnit, body: BusinessHoursCreate) -> Response:
    """Add a calendar: IANA timezone, working intervals per weekday, holidays."""
    return json_response(hours_record(add_business_hours(unit, body)), 201)


@router.get("/business_hours/{hours_id}", operation_id="AdminGetBusinessHours",
            summary="Get business hours", responses=read_ok(HOURS_EXAMPLE, "The calendar"))
def get_one_calendar(unit: AdminReadUnit, hours_id: HoursId) -> Response:
    """One calendar by id."""
    return json_response(hours_record(get_business_hours(unit, hours_id)))


@router.patch("/business_hours/{hours_id}", operation_id="AdminUpdateBusinessHours",
              summary="Change business hours",
              responses=write_ok(HOURS_EXAMPLE, "The calendar after the change"))
def patch_calendar(unit: AdminWriteUnit, hours_id: HoursId,
                   body: BusinessHoursUpdate) -> Response:
    """Rename, change timezone, or replace the weekly hours or holidays."""
    return json_response(hours_record(update_business_hours(unit, hours_id, body)))


@router.delete("/business_hours/{hours_id}", operation_id="AdminDeleteBusinessHours",
               summary="Delete business hours", status_code=204, responses=NO_CONTENT)
def delete_one_calendar(unit: AdminWriteUnit, hours_id: HoursId) -> Response:
    """Delete a calendar no SLA policy uses (409 with the count otherwise)."""
    delete_business_hours(unit, hours_id)
    return no_content()
