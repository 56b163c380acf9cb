"""Demo data for time tracking and contracts: a few time entries and one contract.

Everything is placed relative to the unit's clock, so a demo created today
looks like a helpdesk in use today: the contract is running (it began a few
months ago and ends months from now), and each time entry was written down
a few minutes after the work it records ended, as an agent would log it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from supportdesk.api.v3.wire import WIRE_TIME
from supportdesk.companies.models import Company
from supportdesk.contracts.schemas import BlockHours, ContractCreate
from supportdesk.contracts.service import create_contract, set_contract_access
from supportdesk.contracts.usage import month_index
from supportdesk.tickets.models import Ticket
from supportdesk.timetracking.schemas import TimeEntryCreate
from supportdesk.timetracking.service import create_time_entry
from supportdesk.unit import TenantUnit

SAMPLE_NOTES = ("Reproduced the problem", "Called the customer", "Applied the fix",
                "Checked the logs", "Wrote up the workaround", "Followed up")
SAMPLE_ENTRIES = len(SAMPLE_NOTES)
# The contract runs 12 calendar months: the 3 before the current one, the current
# one and the 8 after it.
MONTHS_BEFORE, MONTHS_AFTER = 3, 8
# An agent starts on a ticket an hour after it came in and logs the time
# 10 minutes after finishing; tickets newer than a day get no time yet, so no
# entry ends after now.
WORK_STARTS_AFTER = timedelta(hours=1)
LOGGED_AFTER = timedelta(minutes=10)
NEWEST_TICKET_AGE = timedelta(days=1)


def add_sample_time_and_contract(unit: TenantUnit) -> int:
    """Sell the busiest company a block-hours contract running now, log time on its
    latest tickets of the contract's months and switch contracts on; returns how
    many time entries were added."""
    now = unit.clock.now()
    starts = _first_day(month_index(now) - MONTHS_BEFORE)
    ends = _first_day(month_index(now) + MONTHS_AFTER + 1) - timedelta(days=1)
    company_id = unit.session.scalar(
        select(Ticket.company_id).where(Ticket.company_id.is_not(None))
        .group_by(Ticket.company_id).order_by(func.count().desc(), Ticket.company_id)
        .limit(1))
    agents = unit.catalog.agents
    if company_id is None or not agents:
        return 0
    rows = unit.session.execute(
        select(Ticket.number, Ticket.created_at, Ticket.assignee_id)
        .where(Ticket.company_id == company_id, Ticket.created_at >= starts,
               Ticket.created_at <= now - NEWEST_TICKET_AGE)
        .order_by(Ticket.number.desc()).limit(SAMPLE_ENTRIES)
    ).all()
    for index, (number, created_at, assignee_id) in enumerate(reversed(rows)):
        agent = unit.catalog.agent_by_id.get(assignee_id) if assignee_id is not None else None
        minutes = 15 * (index + 1)
        started = created_at + WORK_STARTS_AFTER
        create_time_entry(unit, data=TimeEntryCreate(
            ticket_number=number, agent_email=(agent or agents[index % len(agents)]).email,
            minutes=minutes, billable=index % 3 != 2,
            note=SAMPLE_NOTES[index % len(SAMPLE_NOTES)],
            start_time=started.strftime(WIRE_TIME)),
            recorded_at=started + timedelta(minutes=minutes) + LOGGED_AFTER)
    company = unit.session.scalar(select(Company.name).where(Company.id == company_id))
    create_contract(unit, data=ContractCreate(
        name="Priority support", company=company, reference_number="DEMO-1",
        start_date=starts.strftime("%Y-%m-%d"), end_date=ends.strftime("%Y-%m-%d"),
        bill_cycle=1, contract_type=2, contract_category="Level 1",
        block_hours=BlockHours(contract_hours=10, min_increment=15,
                               rollover_unused_hours=True, rollover_value=2)))
    set_contract_access(unit, enabled=True)
    return len(rows)


def _first_day(month: int) -> datetime:
    """Midnight of the first day of the month with this ``month_index``."""
    year, month_of_year = divmod(month, 12)
    return datetime(year, month_of_year + 1, 1)
