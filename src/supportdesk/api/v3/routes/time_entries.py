"""Time entries (read-only in Desk365)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import READ_ERRORS
from supportdesk.api.v3.time_entries_wire import (
    TIME_ENTRY_EXAMPLE,
    TIME_ENTRY_LIST_EXAMPLE,
    time_entry_body,
    time_entry_list_body,
)
from supportdesk.api.v3.wire import json_response
from supportdesk.errors import BadRequest
from supportdesk.timetracking.schemas import TimeEntryQuery, parse_time
from supportdesk.timetracking.service import get_time_entry, list_time_entries

router = APIRouter(tags=["05. Time entries"])


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


def _time(value: str | None, name: str) -> datetime | None:
    if value is None or value.strip() == "":
        return None
    parsed = parse_time(value)
    if parsed is None:
        raise BadRequest(f"{name} must look like YYYY-MM-DD HH:MM:SS, got {value!r}")
    return parsed


def _optional_flag(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    return params.flag(value, name)


def _text(value: str | None, name: str) -> str | None:
    if value is None or value.strip() == "":
        return None
    if "\x00" in value:
        raise BadRequest(f"{name} must not contain NUL characters")
    return value.strip()


@router.get(
    "/time_entries",
    operation_id="GetTimeEntriesList",
    summary="List All Time Entries",
    responses={**_ok("One page of time entries (oldest first) and the total matching",
                     TIME_ENTRY_LIST_EXAMPLE), **READ_ERRORS},
)
def get_time_entries(
    unit: ReadUnit,
    ticket_number: Annotated[str | None, Query(description="Unique ID of the ticket.")] = None,
    time_entries_count: Annotated[str | None, Query(
        description="Select number of time_entries to retrieve per call: 30 (default), 50 "
        "or 100.")] = None,
    agent_email: Annotated[str | None, Query(
        description="The email address of the agent to whom the time entry is "
        "associated.")] = None,
    company_name: Annotated[str | None, Query(description="The name of the company.")] = None,
    started_before: Annotated[str | None, Query(
        description="Time entries started before this time, yyyy-mm-dd hh:mm:ss.")] = None,
    started_after: Annotated[str | None, Query(
        description="Time entries started after this time, yyyy-mm-dd hh:mm:ss.")] = None,
    created_after: Annotated[str | None, Query(
        description="Time entries created after this time, yyyy-mm-dd hh:mm:ss.")] = None,
    updated_after: Annotated[str | None, Query(
        description="Time entries updated after this time, yyyy-mm-dd hh:mm:ss.")] = None,
    billable: Annotated[str | None, Query(
        description="0 - Non Billable, 1 - Billable")] = None,
    timer_running: Annotated[str | None, Query(
        description="0 - Timer is not running, 1 - Timer is running")] = None,
    offset: Annotated[str | None, Query(
        description="Skip this many time entries.")] = None,
) -> Response:
    """Time entries matching every filter given."""
    query = TimeEntryQuery(
        ticket_number=params.ticket_number(ticket_number)
        if ticket_number not in (None, "") else None,
        agent_email=_text(agent_email, "agent_email"),
        company_name=_text(company_name, "company_name"),
        started_before=_time(started_before, "started_before"),
        started_after=_time(started_after, "started_after"),
        created_after=_time(created_after, "created_after"),
        updated_after=_time(updated_after, "updated_after"),
        is_billable=_optional_flag(billable, "billable"),
        is_timer_running=_optional_flag(timer_running, "timer_running"),
        offset=params.offset(offset),
        limit=int(params.choice(time_entries_count, "time_entries_count",
                                ("30", "50", "100"), "30")),
    )
    return json_response(time_entry_list_body(list_time_entries(unit, query=query)))


@router.get(
    "/time_entries/details",
    operation_id="GetTimeEntryByID",
    summary="Get time entry details",
    responses={**_ok("The time entry", TIME_ENTRY_EXAMPLE), **READ_ERRORS},
)
def get_time_entry_details(
    unit: ReadUnit,
    id: Annotated[str | None, Query(description="Unique ID of the time entry")] = None,
) -> Response:
    """Get time entry details for the given time entry id."""
    entry_id = params.ticket_number(id, "id")
    return json_response(time_entry_body(get_time_entry(unit, entry_id=entry_id)))
