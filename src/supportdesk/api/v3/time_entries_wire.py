"""Time entries on the wire: Desk365 field names, 0/1 flags, the ``content`` envelope."""

from __future__ import annotations

from typing import Any

from supportdesk.api.v3.wire import wire_time
from supportdesk.timetracking.schemas import TimeEntryPage, TimeEntryRead


def time_entry_body(entry: TimeEntryRead) -> dict[str, Any]:
    """One time entry, the same in list items and details."""
    return {
        "id": entry.id,
        "ticket_number": entry.ticket_number,
        "agent_email": entry.agent_email,
        "note": entry.note,
        "billable": int(entry.is_billable),
        "created_time": wire_time(entry.created_at),
        "updated_time": wire_time(entry.updated_at),
        "start_time": wire_time(entry.started_at),
        "time_spent_in_minutes": entry.minutes,
        "timer_running": int(entry.is_timer_running),
        "additional_info": entry.additional_info,
    }


def time_entry_list_body(page: TimeEntryPage) -> dict[str, Any]:
    """``{"count": <total matching>, "content": [...]}``."""
    return {"count": page.total, "content": [time_entry_body(e) for e in page.items]}


TIME_ENTRY_EXAMPLE: dict[str, Any] = {
    "id": 423, "ticket_number": 10, "agent_email": "agent@example.com",
    "note": "Replaced the toner", "billable": 1, "created_time": "2026-01-05 09:40:51",
    "updated_time": "2026-01-05 09:40:51", "start_time": "2026-01-05 08:00:00",
    "time_spent_in_minutes": 120, "timer_running": 0,
    "additional_info": "On site visit",
}
TIME_ENTRY_LIST_EXAMPLE: dict[str, Any] = {"count": 1, "content": [TIME_ENTRY_EXAMPLE]}
