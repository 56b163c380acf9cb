"""Admin API: SLA policies and business hours (the model; timers come with the engine)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from supportdesk.api.admin.crud import CrudRoutes, int_id
from supportdesk.api.admin.settings_docs import ID_PATH
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


policies = CrudRoutes(router, path="/sla_policies", key="sla_policies",
                      item_id=int_id("policy_id", PolicyId), record=policy_record,
                      example=POLICY_EXAMPLE)
policies.add_list(list_policies, operation_id="AdminListSlaPolicies",
                  summary="List SLA policies", description="Every SLA policy, oldest first.",
                  returns="All SLA policies with their targets")
policies.add_create(add_policy, PolicyCreate, operation_id="AdminCreateSlaPolicy",
                    summary="Add an SLA policy",
                    description="Add a policy with targets per priority, in calendar or "
                    "business hours.",
                    returns="The new SLA policy")
policies.add_read(get_policy, operation_id="AdminGetSlaPolicy", summary="Get an SLA policy",
                  description="One SLA policy by id.", returns="The SLA policy")
policies.add_update(update_policy, PolicyUpdate, operation_id="AdminUpdateSlaPolicy",
                    summary="Change an SLA policy",
                    description="Rename, retarget, switch hours or make default; ``targets`` "
                    "replaces the list.",
                    returns="The SLA policy after the change")
policies.add_delete(delete_policy, operation_id="AdminDeleteSlaPolicy",
                    summary="Delete an SLA policy",
                    description="Delete a policy no ticket or company uses; never the default "
                    "(409).")

calendars = CrudRoutes(router, path="/business_hours", key="business_hours",
                       item_id=int_id("hours_id", HoursId), record=hours_record,
                       example=HOURS_EXAMPLE)
calendars.add_list(list_business_hours, operation_id="AdminListBusinessHours",
                   summary="List business hours",
                   description="Every business-hours calendar, oldest first.",
                   returns="All business-hours calendars")
calendars.add_create(add_business_hours, BusinessHoursCreate,
                     operation_id="AdminCreateBusinessHours", summary="Add business hours",
                     description="Add a calendar: IANA timezone, working intervals per "
                     "weekday, holidays.",
                     returns="The new calendar")
calendars.add_read(get_business_hours, operation_id="AdminGetBusinessHours",
                   summary="Get business hours", description="One calendar by id.",
                   returns="The calendar")
calendars.add_update(update_business_hours, BusinessHoursUpdate,
                     operation_id="AdminUpdateBusinessHours", summary="Change business hours",
                     description="Rename, change timezone, or replace the weekly hours or "
                     "holidays.",
                     returns="The calendar after the change")
calendars.add_delete(delete_business_hours, operation_id="AdminDeleteBusinessHours",
                     summary="Delete business hours",
                     description="Delete a calendar no SLA policy uses (409 with the count "
                     "otherwise).")
