"""Demo data for time tracking and contracts: a few time entries and one contract."""

from __future__ import annotations

from sqlalchemy import select

from supportdesk.api.v3.wire import WIRE_TIME
from supportdesk.companies.models import Company
from supportdesk.contracts.schemas import BlockHours, ContractCreate
from supportdesk.contracts.service import create_contract, set_contract_access
from supportdesk.tickets.models import Ticket
from supportdesk.timetracking.schemas import TimeEntryCreate
from supportdesk.timetracking.service import create_time_entry
from supportdesk.unit import TenantUnit

SAMPLE_NOTES = ("Reproduced the problem", "Called the customer", "Applied the fix",
                "Checked the logs", "Wrote up the workaround", "Followed up")


def add_sample_time_and_contract(unit: TenantUnit) -> int:
    """Log time on the first company tickets, sell that company a block-hours contract
    and switch contracts on; returns how many time entries were added."""
    rows = unit.session.execute(
        select(Ticket.number, Ticket.company_id, Ticket.created_at, Ticket.assignee_id)
        .where(Ticket.company_id.is_not(None)).order_by(Ticket.number).limit(6)
    ).all()
    agents = unit.catalog.agents
    if not rows or not agents:
        return 0
    company_id = rows[0][1]
    for index, (number, _company, created_at, assignee_id) in enumerate(rows):
        agent = unit.catalog.agent_by_id.get(assignee_id) if assignee_id is not None else None
        create_time_entry(unit, data=TimeEntryCreate(
            ticket_number=number, agent_email=(agent or agents[index % len(agents)]).email,
            minutes=15 * (index + 1), billable=index % 3 != 2,
            note=SAMPLE_NOTES[index % len(SAMPLE_NOTES)],
            start_time=created_at.strftime(WIRE_TIME)))
    company = unit.session.scalar(select(Company.name).where(Company.id == company_id))
    first = min(created_at for _n, _c, created_at, _a in rows)
    last_year, last_month = divmod(first.year * 12 + first.month - 1 + 11, 12)
    ends = f"{last_year:04d}-{last_month + 1:02d}-28"
    create_contract(unit, data=ContractCreate(
        name="Priority support", company=company, reference_number="DEMO-1",
        start_date=first.strftime("%Y-%m-01"), end_date=ends, bill_cycle=1,
        contract_type=2, contract_category="Level 1",
        block_hours=BlockHours(contract_hours=10, min_increment=15,
                               rollover_unused_hours=True, rollover_value=2)))
    set_contract_access(unit, enabled=True)
    return len(rows)
