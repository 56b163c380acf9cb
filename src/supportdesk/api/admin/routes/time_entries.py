"""Admin API: Time entries (Desk365 has no public create)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import errors
from supportdesk.api.v3.wire import json_response, wire_time
from supportdesk.timetracking.schemas import (
    TimeEntryCreate,
    TimeEntryQuery,
    TimeEntryRead,
    TimeEntryUpdate,
)
from supportdesk.timetracking.service import (
    create_time_entry,
    delete_time_entry,
    get_time_entry,
    list_time_entries,
    update_time_entry,
)

router = APIRouter(tags=["Admin: Time entries"])

ADMIN_PAGE = 100
READ_ERRORS = errors(400, 401, 403, 404)
WRITE_ERRORS = errors(400, 401, 403, 404, 413)

RECORD_EXAMPLE: dict[str, Any] = {
    "id": 1, "ticket_number": 10, "agent_email": "alex.morgan@demo.example",
    "start_time": "2026-01-05 08:00:00", "minutes": 45, "billable": True,
    "timer_running": False, "note": "Replaced the toner", "additional_info": None,
    "created_at": "2026-01-05 09:00:00", "updated_at": "2026-01-05 09:00:00",
}


def time_entry_record(entry: TimeEntryRead) -> dict[str, Any]:
    """A time entry in the admin API's own names (the body's names, plus ``id``)."""
    return {
        "id": entry.id, "ticket_number": entry.ticket_number, "agent_email": entry.agent_email,
        "start_time": wire_time(entry.started_at), "minutes": entry.minutes,
        "billable": entry.is_billable, "timer_running": entry.is_timer_running,
        "note": entry.note, "additional_info": entry.additional_info,
        "created_at": wire_time(entry.created_at), "updated_at": wire_time(entry.updated_at),
    }


def _example(status: int, description: str, example: dict[str, Any]) \
        -> dict[int | str, dict[str, Any]]:
    return {status: {"description": description,
                     "content": {"application/json": {"example": example}}}}


@router.get("/time_entries", operation_id="AdminListTimeEntries",
            summary="List time entries",
            responses={**_example(200, "Time entries, oldest first (pages of 100)",
                                  {"count": 1, "time_entries": [RECORD_EXAMPLE]}),
                       **READ_ERRORS})
def admin_list_time_entries(
    unit: AdminReadUnit,
    ticket_number: Annotated[str | None, Query(description="Only this ticket's entries.")]
    = None,
    offset: Annotated[str | None, Query(description="Skip this many entries.")] = None,
) -> Response:
    """Every time entry of the helpdesk (optionally of one ticket)."""
    query = TimeEntryQuery(
        ticket_number=params.ticket_number(ticket_number)
        if ticket_number not in (None, "") else None,
        offset=params.offset(offset), limit=ADMIN_PAGE,
    )
    page = list_time_entries(unit, query=query)
    return json_response({"count": page.total,
                          "time_entries": [time_entry_record(e) for e in page.items]})


@router.post("/time_entries", operation_id="AdminCreateTimeEntry",
             summary="Record a time entry", status_code=201,
             responses={**_example(201, "The new time entry", RECORD_EXAMPLE), **WRITE_ERRORS})
def admin_create_time_entry(unit: AdminWriteUnit, body: TimeEntryCreate) -> Response:
    """Record time an agent spent on a ticket."""
    return json_response(time_entry_record(create_time_entry(unit, data=body)), 201)


@router.get("/time_entries/{entry_id}", operation_id="AdminGetTimeEntry",
            summary="Get a time entry",
            responses={**_example(200, "The time entry", RECORD_EXAMPLE), **READ_ERRORS})
def admin_get_time_entry(unit: AdminReadUnit, entry_id: str) -> Response:
    """One time entry by id."""
    entry_id_number = params.ticket_number(entry_id, "id")
    return json_response(time_entry_record(get_time_entry(unit, entry_id=entry_id_number)))


@router.patch("/time_entries/{entry_id}", operation_id="AdminUpdateTimeEntry",
              summary="Change a time entry",
              responses={**_example(200, "The time entry after the change", RECORD_EXAMPLE),
                         **WRITE_ERRORS})
def admin_update_time_entry(unit: AdminWriteUnit, entry_id: str,
                            body: TimeEntryUpdate) -> Response:
    """Change only the fields sent."""
    entry_id_number = params.ticket_number(entry_id, "id")
    return json_response(time_entry_record(
        update_time_entry(unit, entry_id=entry_id_number, changes=body)))


@router.delete("/time_entries/{entry_id}", operation_id="AdminDeleteTimeEntry",
               summary="Delete a time entry", status_code=204,
               responses={204: {"description": "Deleted"}, **READ_ERRORS})
def admin_delete_time_entry(unit: AdminWriteUnit, entry_id: str) -> Response:
    """Remove a time entry."""
    delete_time_entry(unit, entry_id=params.ticket_number(entry_id, "id"))
    return Response(status_code=204)
