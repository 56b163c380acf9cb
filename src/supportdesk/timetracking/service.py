"""Recording and listing the time agents spend on tickets.

Desk365 only reads time entries over its public API; here they are created,
changed and deleted through the admin API and the CLI, which call the same
functions. Agents are stored by id and shown by email; a time entry belongs
to a ticket and, through the ticket, to the ticket's company.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, select

from supportdesk.companies.service import find_company
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, NotFound
from supportdesk.text import blank_to_none
from supportdesk.tickets.models import Ticket
from supportdesk.timetracking.models import TimeEntry
from supportdesk.timetracking.schemas import (
    TimeEntryCreate,
    TimeEntryPage,
    TimeEntryQuery,
    TimeEntryRead,
    TimeEntryUpdate,
    parse_time,
)
from supportdesk.unit import TenantUnit


def list_time_entries(unit: TenantUnit, *, query: TimeEntryQuery) -> TimeEntryPage:
    """One page of time entries matching every filter given, oldest first, with the total.

    An agent email or company name the helpdesk does not know matches
    nothing: the page is empty, not an error.
    """
    conditions = _conditions(unit, query)
    total = unit.session.scalar(
        select(func.count()).select_from(TimeEntry).where(*conditions)) or 0
    entries = unit.session.scalars(
        select(TimeEntry).where(*conditions).order_by(TimeEntry.id)
        .offset(query.offset).limit(query.limit)
    )
    return TimeEntryPage(total=total, items=[_read(unit, e) for e in entries])


def get_time_entry(unit: TenantUnit, *, entry_id: int) -> TimeEntryRead:
    """The time entry with this id; 404 if the helpdesk has none."""
    return _read(unit, _require(unit, entry_id))


def create_time_entry(unit: TenantUnit, *, data: TimeEntryCreate,
                      recorded_at: datetime | None = None) -> TimeEntryRead:
    """Record time an agent spent on a ticket; the start defaults to now.

    ``recorded_at`` is when the entry was written down (its created and
    updated time): now by default; imports and sample data pass the past.
    """
    now = recorded_at or unit.clock.now()
    entry = TimeEntry(
        id=next_id(unit.session, "time_entries"),
        ticket_number=_ticket_number(unit, data.ticket_number),
        agent_id=_agent_id(unit, data.agent_email),
        started_at=_start(data.start_time) or now,
        minutes=data.minutes,
        is_billable=bool(data.billable),
        is_timer_running=bool(data.timer_running),
        note=blank_to_none(data.note),
        additional_info=blank_to_none(data.additional_info),
        created_at=now,
        updated_at=now,
    )
    unit.session.add(entry)
    unit.session.flush()
    read = _read(unit, entry)
    unit.commit()
    return read


def update_time_entry(unit: TenantUnit, *, entry_id: int,
                      changes: TimeEntryUpdate) -> TimeEntryRead:
    """Change the fields present in ``changes``; ``null`` is refused for required ones."""
    entry = _require(unit, entry_id)
    present = changes.model_fields_set
    for required in ("ticket_number", "agent_email", "minutes", "start_time", "billable",
                     "timer_running"):
        if required in present and getattr(changes, required) is None:
            raise BadRequest(f"{required} cannot be null")
    if changes.ticket_number is not None:
        entry.ticket_number = _ticket_number(unit, changes.ticket_number)
    if changes.agent_email is not None:
        entry.agent_id = _agent_id(unit, changes.agent_email)
    if changes.minutes is not None:
        entry.minutes = changes.minutes
    if changes.start_time is not None:
        entry.started_at = _start(changes.start_time) or entry.started_at
    if changes.billable is not None:
        entry.is_billable = changes.billable
    if changes.timer_running is not None:
        entry.is_timer_running = changes.timer_running
    if "note" in present:
        entry.note = blank_to_none(changes.note)
    if "additional_info" in present:
        entry.additional_info = blank_to_none(changes.additional_info)
    entry.updated_at = unit.clock.now()
    unit.session.flush()
    read = _read(unit, entry)
    unit.commit()
    return read


def delete_time_entry(unit: TenantUnit, *, entry_id: int) -> None:
    """Remove a time entry; contract usage no longer counts it."""
    unit.session.delete(_require(unit, entry_id))
    unit.commit()


def _conditions(unit: TenantUnit, query: TimeEntryQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.ticket_number is not None:
        conditions.append(TimeEntry.ticket_number == query.ticket_number)
    if query.agent_email is not None:
        agent = unit.catalog.agent_by_email.get(query.agent_email.strip().casefold())
        conditions.append(TimeEntry.agent_id == agent.id if agent is not None else false())
    if query.company_name is not None:
        company = find_company(unit, query.company_name, field="company_name")
        if company is None:
            conditions.append(false())
        else:
            conditions.append(TimeEntry.ticket_number.in_(
                select(Ticket.number).where(Ticket.company_id == company.id)))
    bounds: list[tuple[datetime | None, Any]] = [
        (query.started_before, lambda v: TimeEntry.started_at < v),
        (query.started_after, lambda v: TimeEntry.started_at > v),
        (query.created_after, lambda v: TimeEntry.created_at > v),
        (query.updated_after, lambda v: TimeEntry.updated_at > v),
    ]
    conditions.extend(build(value) for value, build in bounds if value is not None)
    if query.is_billable is not None:
        conditions.append(TimeEntry.is_billable.is_(query.is_billable))
    if query.is_timer_running is not None:
        conditions.append(TimeEntry.is_timer_running.is_(query.is_timer_running))
    return conditions


def _require(unit: TenantUnit, entry_id: int) -> TimeEntry:
    entry = unit.session.scalars(select(TimeEntry).where(TimeEntry.id == entry_id)).first()
    if entry is None:
        raise NotFound(f"time entry {entry_id} does not exist")
    return entry


def _ticket_number(unit: TenantUnit, number: int) -> int:
    found = unit.session.scalar(select(Ticket.number).where(Ticket.number == number))
    if found is None:
        raise BadRequest(f"ticket_number: ticket {number} does not exist")
    return number


def _agent_id(unit: TenantUnit, email: str) -> int:
    agent = unit.catalog.agent_by_email.get(email.strip().casefold())
    if agent is None:
        raise BadRequest(f"agent_email: {email.strip()!r} is not an agent of this helpdesk")
    return agent.id


def _start(value: str | None) -> datetime | None:
    if blank_to_none(value) is None:
        return None
    parsed = parse_time(value or "")
    if parsed is None:
        raise BadRequest(f"start_time must look like YYYY-MM-DD HH:MM:SS, got {value!r}")
    return parsed


def _read(unit: TenantUnit, entry: TimeEntry) -> TimeEntryRead:
    agent = unit.catalog.agent_by_id.get(entry.agent_id)
    return TimeEntryRead(
        id=entry.id, ticket_number=entry.ticket_number,
        agent_email=agent.email if agent is not None else None,
        started_at=entry.started_at, minutes=entry.minutes, is_billable=entry.is_billable,
        is_timer_running=entry.is_timer_running, note=entry.note,
        additional_info=entry.additional_info, created_at=entry.created_at,
        updated_at=entry.updated_at,
    )
