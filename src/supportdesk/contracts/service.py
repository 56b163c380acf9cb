"""Support contracts: block hours and block tickets sold to companies.

Contracts are a "special access" feature in Desk365: a helpdesk without
access is refused (403) on every contract operation. Usage is computed, not
stored: billable time entries on the company's tickets count against a
block-hours contract, the company's new tickets against a block-tickets
contract. A page of contracts costs a fixed number of queries: monthly
totals come from SQL aggregates over the whole page (see ``usage``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    extract,
    false,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from supportdesk.companies.models import Company
from supportdesk.companies.service import find_company
from supportdesk.contracts.models import Contract
from supportdesk.contracts.schemas import (
    BlockHoursUpdate,
    ContractCreate,
    ContractPage,
    ContractQuery,
    ContractRead,
    ContractUpdate,
)
from supportdesk.contracts.usage import Chunk, Usage, account, month_index, periods_of
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, Forbidden, NotFound
from supportdesk.tenancy.models import Tenant
from supportdesk.text import blank_to_none
from supportdesk.tickets.models import Ticket
from supportdesk.timetracking.models import TimeEntry
from supportdesk.unit import TenantUnit

PAGE_SIZE = 30
BLOCK_HOURS, BLOCK_TICKETS = 2, 3
CONTRACT_TYPES = (BLOCK_HOURS, BLOCK_TICKETS)
CONTRACT_TYPE_NAMES = {BLOCK_HOURS: "block hours", BLOCK_TICKETS: "block tickets"}
MONTHLY, CONTRACT_LENGTH = 1, 2
BILL_CYCLES = (MONTHLY, CONTRACT_LENGTH)
ROLLOVER_MONTHLY = 1
UNASSIGNED = ("--", "- -")
NO_ACCESS = ("Accessing the resource you were trying to reach is forbidden: contracts need "
             "special access, which this helpdesk does not have (an administrator can switch "
             "it on)")


# --- access ---------------------------------------------------------------


def has_contract_access(session: Session, *, tenant_id: int) -> bool:
    """Whether the helpdesk may use contracts."""
    return bool(session.scalar(
        select(Tenant.has_contract_access).where(Tenant.id == tenant_id)))


def ensure_contract_access(session: Session, *, tenant_id: int) -> None:
    """403 unless the helpdesk has contract access."""
    if not has_contract_access(session, tenant_id=tenant_id):
        raise Forbidden(NO_ACCESS)


def set_contract_access(unit: TenantUnit, *, enabled: bool) -> bool:
    """Switch contract access on or off for the unit's helpdesk; returns the new state."""
    unit.session.execute(
        update(Tenant).where(Tenant.id == unit.tenant_id).values(has_contract_access=enabled))
    unit.commit()
    return enabled


# --- reads ----------------------------------------------------------------


def list_contracts(unit: TenantUnit, *, query: ContractQuery) -> ContractPage:
    """One page of 30 contracts by name, A to Z, with the total matching.

    An unknown company or category matches nothing. Expired means the last
    day is over, upcoming that the first day has not come yet (by the
    unit's clock), inactive that ``is_active`` is off.
    """
    conditions = _list_conditions(unit, query)
    total = unit.session.scalar(
        select(func.count()).select_from(Contract).where(*conditions)) or 0
    contracts = list(unit.session.scalars(
        select(Contract).where(*conditions)
        .order_by(func.lower(Contract.name), Contract.name, Contract.id)
        .offset(query.offset).limit(PAGE_SIZE)
    ))
    return ContractPage(total=total, items=_reads(unit, contracts))


def get_contract(unit: TenantUnit, *, name: str | None,
                 reference_number: str | None) -> ContractRead:
    """The contract with this reference number and/or name (see ``find``)."""
    return _reads(unit, [_find(unit, name, reference_number)])[0]


# --- changes --------------------------------------------------------------


def create_contract(unit: TenantUnit, *, data: ContractCreate) -> ContractRead:
    """Sell a block of hours or tickets to a company."""
    name = _required_text(data.name, "name")
    company_name = _required_text(data.company, "company")
    company = find_company(unit, company_name, field="company")
    if company is None:
        raise BadRequest(f"company: no company named {company_name!r} exists")
    starts_at = _day(data.start_date, "start_date")
    ends_at = _day(data.end_date, "end_date") + timedelta(days=1)
    _check_dates(starts_at, ends_at)
    contract_type = _choice(data.contract_type, "contract_type", CONTRACT_TYPES,
                            "2 (block hours) or 3 (block tickets)")
    bill_cycle = _choice(data.bill_cycle, "bill_cycle", BILL_CYCLES,
                         "1 (monthly) or 2 (contract length)")
    now = unit.clock.now()
    contract = Contract(
        id=next_id(unit.session, "contracts"), name=name,
        reference_number=_reference(unit, data.reference_number, None),
        company_id=company.id, contract_type=contract_type, bill_cycle=bill_cycle,
        starts_at=starts_at, ends_at=ends_at, setup_fees=data.setup_fees,
        sla_policy_id=_sla_id(unit, data.sla), category=_category(data.contract_category),
        is_active=True if data.is_active is None else data.is_active,
        after_hours_included=bool(data.after_hours_included),
        rollover_unused_hours=False, created_at=now, updated_at=now,
    )
    if contract_type == BLOCK_HOURS:
        if data.block_tickets is not None:
            raise BadRequest(_other_block("block_tickets", contract_type)
                             + ": remove block_tickets from the request")
        if data.block_hours is None or data.block_hours.contract_hours is None:
            raise BadRequest("block_hours.contract_hours is required for contract_type 2")
        _apply_block_hours(contract, data.block_hours)
    else:
        if data.block_hours is not None:
            raise BadRequest(_other_block("block_hours", contract_type)
                             + ": remove block_hours from the request")
        if data.block_tickets is None or data.block_tickets.contract_tickets is None:
            raise BadRequest("block_tickets.contract_tickets is required for contract_type 3")
        contract.contract_tickets = data.block_tickets.contract_tickets
    unit.session.add(contract)
    return _save(unit, contract)


def update_contract(unit: TenantUnit, *, name: str | None, reference_number: str | None,
                    changes: ContractUpdate) -> ContractRead:
    """Change the fields present; the company, type, start and bill cycle stay."""
    contract = _find(unit, name, reference_number)
    present = changes.model_fields_set
    for required in ("name", "end_date", "after_hours_included", "is_active"):
        if required in present and getattr(changes, required) is None:
            raise BadRequest(f"{required} cannot be null")
    if changes.name is not None:
        contract.name = _required_text(changes.name, "name")
    if "reference_number" in present:
        contract.reference_number = _reference(unit, changes.reference_number, contract.id)
    if "setup_fees" in present:
        contract.setup_fees = changes.setup_fees
    if changes.end_date is not None:
        contract.ends_at = _day(changes.end_date, "end_date") + timedelta(days=1)
        _check_dates(contract.starts_at, contract.ends_at)
    if changes.after_hours_included is not None:
        contract.after_hours_included = changes.after_hours_included
    if changes.is_active is not None:
        contract.is_active = changes.is_active
    if "contract_category" in present:
        contract.category = _category(changes.contract_category)
    if "sla" in present:
        contract.sla_policy_id = _sla_id(unit, changes.sla)
    if changes.block_hours is not None:
        if contract.contract_type != BLOCK_HOURS:
            raise BadRequest(_other_block("block_hours", contract.contract_type))
        _apply_block_hours(contract, changes.block_hours)
    if changes.block_tickets is not None:
        if contract.contract_type != BLOCK_TICKETS:
            raise BadRequest(_other_block("block_tickets", contract.contract_type))
        if changes.block_tickets.contract_tickets is not None:
            contract.contract_tickets = changes.block_tickets.contract_tickets
    contract.updated_at = unit.clock.now()
    return _save(unit, contract)


# --- helpers --------------------------------------------------------------


def _list_conditions(unit: TenantUnit, query: ContractQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    now = unit.clock.now()
    if query.company is not None:
        company = find_company(unit, query.company, field="company")
        conditions.append(Contract.company_id == company.id if company is not None
                          else false())
    if query.category is not None:
        wanted = query.category.strip()
        conditions.append(or_(Contract.category == wanted,
                              func.lower(Contract.category) == wanted.lower()))
    if not query.include_inactive:
        conditions.append(Contract.is_active.is_(True))
    if not query.include_expired:
        conditions.append(Contract.ends_at > now)
    if not query.include_upcoming:
        conditions.append(Contract.starts_at <= now)
    return conditions


def _find(unit: TenantUnit, name: str | None, reference_number: str | None) -> Contract:
    """By reference number when given (the name, if also given, must match), else by name.

    Names are compared without regard to case; several contracts with the
    same name need the reference number to say which one is meant (400).
    """
    name = blank_to_none(name)
    reference = blank_to_none(reference_number)
    for value, field in ((name, "contract_name"), (reference, "reference_number")):
        if value is not None and "\x00" in value:
            raise BadRequest(f"{field} must not contain NUL characters")
    if reference is not None:
        contract = unit.session.scalars(
            select(Contract).where(Contract.reference_number == reference)).first()
        if contract is None or (name is not None
                                and contract.name.casefold() != name.casefold()):
            what = f"reference number {reference!r}" + \
                (f" and name {name!r}" if name is not None else "")
            raise NotFound(f"no contract with {what} exists")
        return contract
    if name is None:
        raise BadRequest("contract_name or reference_number is required")
    matches = list(unit.session.scalars(
        select(Contract)
        .where(or_(Contract.name == name, func.lower(Contract.name) == name.lower()))
        .order_by(Contract.id).limit(2)))
    if not matches:
        raise NotFound(f"no contract named {name!r} exists")
    if len(matches) > 1:
        raise BadRequest(f"several contracts are named {name!r}; add reference_number to "
                         "say which one")
    return matches[0]


def _other_block(block: str, contract_type: int) -> str:
    """Why ``block`` does not fit a contract of ``contract_type`` (the other type's block).

    The vendor document says to send only the block of the contract's type and
    remove the other from the request body, so it is refused rather than ignored.
    """
    own = BLOCK_HOURS if block == "block_hours" else BLOCK_TICKETS
    return (f"{block} is only for contract_type {own} ({CONTRACT_TYPE_NAMES[own]}); "
            f"contract_type {contract_type} ({CONTRACT_TYPE_NAMES[contract_type]}) takes "
            f"{'block_tickets' if own == BLOCK_HOURS else 'block_hours'} alone")


def _apply_block_hours(contract: Contract, block: BlockHoursUpdate) -> None:
    """Apply the block-hours fields sent; the rollover settings are kept as sent.

    Desk365 echoes ``rollover_type`` and ``rollover_value`` as given even with
    ``rollover_unused_hours`` false, so they are stored (and shown) whatever
    the switch says; usage reads them only while rollover is on.
    """
    present = block.model_fields_set
    if block.contract_hours is not None:
        contract.contract_hours = block.contract_hours
    elif "contract_hours" in present:
        raise BadRequest("block_hours.contract_hours cannot be null")
    if "min_increment" in present:
        contract.min_increment = block.min_increment or None
    if "rollover_type" in present:
        if block.rollover_type is not None and block.rollover_type != ROLLOVER_MONTHLY:
            raise BadRequest(f"block_hours.rollover_type must be 1 (monthly), got "
                             f"{block.rollover_type}")
        contract.rollover_type = block.rollover_type
    if "rollover_value" in present:
        contract.rollover_value = block.rollover_value
    if block.rollover_unused_hours is not None:
        contract.rollover_unused_hours = block.rollover_unused_hours
    if contract.rollover_unused_hours:
        # Monthly is the only kind there is: rollover on means monthly.
        contract.rollover_type = ROLLOVER_MONTHLY
        if contract.rollover_value is None:
            raise BadRequest("block_hours.rollover_value (months) is required when "
                             "rollover_unused_hours is true")


def _save(unit: TenantUnit, contract: Contract) -> ContractRead:
    try:
        unit.session.flush()
    except IntegrityError:
        unit.session.rollback()
        raise Conflict(f"reference number {contract.reference_number!r} was taken by another "
                       "request at the same time; try again") from None
    read = _reads(unit, [contract])[0]
    unit.commit()
    return read


def _required_text(value: str | None, field: str) -> str:
    text = blank_to_none(value)
    if text is None:
        raise BadRequest(f"{field} is required and must not be empty")
    return text


def _reference(unit: TenantUnit, value: str | None, contract_id: int | None) -> str | None:
    reference = blank_to_none(value)
    if reference is None:
        return None
    taken = unit.session.scalar(
        select(Contract.id).where(Contract.reference_number == reference))
    if taken is not None and taken != contract_id:
        raise Conflict(f"a contract with reference number {reference!r} already exists")
    return reference


def _day(value: str | None, field: str) -> datetime:
    text = blank_to_none(value)
    if text is None:
        raise BadRequest(f"{field} is required")
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise BadRequest(f"{field} must be a date YYYY-MM-DD, got {value!r}") from None


def _check_dates(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise BadRequest("end_date must not be before start_date")


def _choice(value: int | None, field: str, allowed: tuple[int, ...], words: str) -> int:
    if value is None:
        raise BadRequest(f"{field} is required: {words}")
    if value not in allowed:
        raise BadRequest(f"{field} must be {words}, got {value}")
    return value


def _category(value: str | None) -> str | None:
    text = blank_to_none(value)
    return None if text is None or text in UNASSIGNED else text


def _sla_id(unit: TenantUnit, value: str | None) -> int | None:
    name = blank_to_none(value)
    if name is None:
        return None
    policy = unit.catalog.sla_by_name.get(name.casefold())
    if policy is None:
        known = ", ".join(repr(p.name) for p in unit.catalog.sla_policies)
        raise BadRequest(f"sla {name!r} is not an SLA policy of this helpdesk; use one of "
                         f"{known}")
    return policy.id


# --- usage ----------------------------------------------------------------


Totals = dict[int, dict[int, tuple[int, int]]]  # contract id -> month index -> (used, late)


def _reads(unit: TenantUnit, contracts: list[Contract]) -> list[ContractRead]:
    """Contracts with usage: a fixed number of queries however many there are."""
    if not contracts:
        return []
    previous = _previous_contracts(unit, contracts)
    hour_ids = [c.id for c in contracts if c.contract_type == BLOCK_HOURS]
    hour_ids += [p.id for p in previous.values()]
    minutes = _minutes_by_month(unit, hour_ids)
    tickets = _tickets_by_month(unit, [c.id for c in contracts
                                       if c.contract_type == BLOCK_TICKETS])
    names = dict(unit.session.execute(
        select(Company.id, Company.name)
        .where(Company.id.in_({c.company_id for c in contracts}))).all())
    now = month_index(unit.clock.now())
    reads = []
    for contract in contracts:
        if contract.contract_type == BLOCK_HOURS:
            before = previous.get(contract.id)
            carried: list[Chunk] = []
            if before is not None:
                carried = _account(before, minutes.get(before.id, {}), now, []).leftover
            usage = _account(contract, minutes.get(contract.id, {}), now, carried)
        else:
            usage = _account(contract, tickets.get(contract.id, {}), now, [])
        reads.append(_read(unit, contract, names.get(contract.company_id, ""), usage))
    return reads


def _account(contract: Contract, totals: dict[int, tuple[int, int]], now: int,
             carried: list[Chunk]) -> Usage:
    hours = contract.contract_type == BLOCK_HOURS
    return account(
        periods_of(contract.starts_at, contract.ends_at, contract.bill_cycle),
        block=(contract.contract_hours or 0) * 60 if hours else contract.contract_tickets or 0,
        used_by_month={month: used for month, (used, _late) in totals.items()},
        late_by_month={month: late for month, (_used, late) in totals.items()},
        rollover_months=contract.rollover_value if hours and contract.rollover_unused_hours
        else None,
        carried_in=carried,
        now=now,
    )


def _previous_contracts(unit: TenantUnit, contracts: list[Contract]) -> dict[int, Contract]:
    """For each block-hours contract, the company's latest earlier one that rolls over."""
    hours = [c for c in contracts if c.contract_type == BLOCK_HOURS]
    if not hours:
        return {}
    candidates = list(unit.session.scalars(
        select(Contract).where(
            Contract.company_id.in_({c.company_id for c in hours}),
            Contract.contract_type == BLOCK_HOURS,
            Contract.rollover_unused_hours.is_(True),
            Contract.starts_at < max(c.starts_at for c in hours),
        ).order_by(Contract.ends_at.desc(), Contract.id.desc())))
    previous: dict[int, Contract] = {}
    for contract in hours:
        for candidate in candidates:
            if candidate.company_id == contract.company_id \
                    and candidate.ends_at <= contract.starts_at and candidate.id != contract.id:
                previous[contract.id] = candidate
                break
    return previous


def _month(column: InstrumentedAttribute[datetime]) -> ColumnElement[int]:
    # Inline constants: PostgreSQL matches GROUP BY expressions textually, so bound
    # parameters would make the grouped expression differ from the selected one.
    twelve: ColumnElement[int] = literal_column("12", Integer)
    one: ColumnElement[int] = literal_column("1", Integer)
    return (extract("year", column) * twelve + extract("month", column) - one).cast(Integer)


def _minutes_by_month(unit: TenantUnit, contract_ids: list[int]) -> Totals:
    """Billable minutes (rounded up to each contract's increment) per contract and month."""
    if not contract_ids:
        return {}
    increment = func.coalesce(Contract.min_increment, 0)
    counted = case(
        (increment > 0,
         ((TimeEntry.minutes + increment - 1) // increment) * increment),
        else_=TimeEntry.minutes,
    )
    started = _month(TimeEntry.started_at)
    late = case((_month(TimeEntry.created_at) > started, counted), else_=0)
    rows = unit.session.execute(
        select(Contract.id, started, func.sum(counted), func.sum(late))
        .join(Ticket, Ticket.company_id == Contract.company_id)
        .join(TimeEntry, TimeEntry.ticket_number == Ticket.number)
        .where(Contract.id.in_(contract_ids), TimeEntry.is_billable.is_(True),
               and_(TimeEntry.started_at >= Contract.starts_at,
                    TimeEntry.started_at < Contract.ends_at))
        .group_by(Contract.id, started)
    )
    totals: Totals = {}
    for contract_id, month, used, late_minutes in rows:
        totals.setdefault(contract_id, {})[int(month)] = (int(used or 0), int(late_minutes or 0))
    return totals


def _tickets_by_month(unit: TenantUnit, contract_ids: list[int]) -> Totals:
    """The company's tickets created during each contract, per month."""
    if not contract_ids:
        return {}
    created = _month(Ticket.created_at)
    rows = unit.session.execute(
        select(Contract.id, created, func.count())
        .join(Ticket, Ticket.company_id == Contract.company_id)
        .where(Contract.id.in_(contract_ids), Ticket.created_at >= Contract.starts_at,
               Ticket.created_at < Contract.ends_at)
        .group_by(Contract.id, created)
    )
    totals: Totals = {}
    for contract_id, month, count in rows:
        totals.setdefault(contract_id, {})[int(month)] = (int(count), 0)
    return totals


def _read(unit: TenantUnit, contract: Contract, company: str, usage: Usage) -> ContractRead:
    policy = unit.catalog.sla_by_id.get(contract.sla_policy_id) \
        if contract.sla_policy_id is not None else None
    return ContractRead(
        name=contract.name, reference_number=contract.reference_number, company=company,
        contract_type=contract.contract_type, bill_cycle=contract.bill_cycle,
        starts_at=contract.starts_at, ends_at=contract.ends_at,
        setup_fees=contract.setup_fees, sla=policy.name if policy is not None else None,
        category=contract.category, is_active=contract.is_active,
        after_hours_included=contract.after_hours_included,
        contract_hours=contract.contract_hours, min_increment=contract.min_increment,
        rollover_unused_hours=contract.rollover_unused_hours,
        rollover_type=contract.rollover_type, rollover_value=contract.rollover_value,
        contract_tickets=contract.contract_tickets, used=usage.used,
        available=usage.available, rolled_over=usage.rolled_over, extra=usage.extra,
        periods=usage.periods,
    )
