"""Admin API: Time entries (Desk365 has no public create)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.admin.crud import CrudRoutes, PathId, documented
from supportdesk.api.admin.deps import AdminReadUnit
from supportdesk.api.admin.settings_docs import listing
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


def _entry_id(raw: str) -> int:
    """The id in the path, checked as the v3 API checks ids (400 naming ``id``)."""
    return params.ticket_number(raw, "id")


@router.get("/time_entries", operation_id="AdminListTimeEntries",
            summary="List time entries",
            responses=documented(200, "Time entries, oldest first (pages of 100)",
                                 listing("time_entries", RECORD_EXAMPLE), READ_ERRORS))
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


# Listing takes query parameters and pages, so it is written out above; the
# services take keyword arguments, hence the small lambdas naming them.
entries = CrudRoutes(router, path="/time_entries", key="time_entries",
                     item_id=PathId("entry_id", str, _entry_id), record=time_entry_record,
                     example=RECORD_EXAMPLE, read_errors=READ_ERRORS, write_errors=WRITE_ERRORS)
entries.add_create(lambda unit, body: create_time_entry(unit, data=body), TimeEntryCreate,
                   operation_id="AdminCreateTimeEntry", summary="Record a time entry",
                   description="Record time an agent spent on a ticket.",
                   returns="The new time entry")
entries.add_read(lambda unit, entry_id: get_time_entry(unit, entry_id=entry_id),
                 operation_id="AdminGetTimeEntry", summary="Get a time entry",
                 description="One time entry by id.", returns="The time entry")
entries.add_update(lambda unit, entry_id, body: update_time_entry(unit, entry_id=entry_id,
                                                                  changes=body),
                   TimeEntryUpdate, operation_id="AdminUpdateTimeEntry",
                   summary="Change a time entry", description="Change only the fields sent.",
                   returns="The time entry after the change")
entries.add_delete(lambda unit, entry_id: delete_time_entry(unit, entry_id=entry_id),
                   operation_id="AdminDeleteTimeEntry", summary="Delete a time entry",
                   description="Remove a time entry.", returns="Deleted", errors=READ_ERRORS)
