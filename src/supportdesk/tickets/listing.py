"""Listing tickets: one page query and one count, whatever the page size or offset."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, func, select
from sqlalchemy.orm import InstrumentedAttribute, defer

from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.tickets import counters
from supportdesk.tickets.filters import ID_KEYS, TicketFilter, filter_clauses, resolve
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

PAGE_SIZES = (30, 50, 100)


@dataclass(frozen=True)
class TicketQuery:
    """What a list call asks for: page, order, change window and filters."""

    page_size: int = 30
    offset: int = 0
    order_by_updated: bool = False
    descending: bool = True
    updated_since: datetime | None = None
    filters: TicketFilter = field(default_factory=TicketFilter)
    with_description: bool = False
    with_surveys: bool = False


@dataclass(frozen=True)
class TicketPage:
    """One page of tickets with the total that matched.

    ``surveys`` holds the latest survey sent on each ticket of the page that
    has one, when the query asked for them (one more query).
    """

    total: int
    rows: list[tuple[Ticket, str, str, str | None]]
    surveys: dict[int, SentSurveyRead] = field(default_factory=dict)


def list_tickets(unit: TenantUnit, query: TicketQuery) -> TicketPage:
    """The tickets matching ``query``, newest first by default, with the total count.

    Ties on the timestamp are broken by ticket number so pages never overlap.
    """
    conditions = filter_clauses(query.filters, unit.catalog)
    if query.updated_since is not None:
        conditions.append(Ticket.updated_at >= query.updated_since)
    total = count_tickets(unit, query.filters, updated_since=query.updated_since)
    rows: list[tuple[Ticket, str, str, str | None]] = []
    if total > query.offset:
        statement = _page_statement(query, conditions, total)
        rows = [(row[0], row[1], row[2], row[3]) for row in unit.session.execute(statement)]
        # Sorted here, not in SQL: an ORDER BY on the outer query lets SQLite
        # walk the order index again instead of fetching the picked numbers.
        rows.sort(key=lambda row: (row[0].updated_at if query.order_by_updated
                                   else row[0].created_at, row[0].number),
                  reverse=query.descending)
    surveys = latest_sent_surveys(unit, [row[0].number for row in rows]) \
        if query.with_surveys else {}
    return TicketPage(total=total, rows=rows, surveys=surveys)


def count_tickets(unit: TenantUnit, flt: TicketFilter, *,
                  updated_since: datetime | None = None) -> int:
    """How many of the tenant's tickets match ``flt`` (and changed since ``updated_since``).

    No filter, or one filter key of ``ID_KEYS``, is read from the kept counts
    (``tickets/counters.py``); anything else is counted in SQL, where each
    filter key has an index to seek on.
    """
    if updated_since is None and not flt.custom and len(flt.terms) <= 1:
        if not flt.terms:
            return counters.total_count(unit.session)
        ((key, values),) = flt.terms.items()
        if key in ID_KEYS:
            return counters.key_count(unit.session, key, resolve(key, values, unit.catalog))
    conditions = filter_clauses(flt, unit.catalog)
    if updated_since is not None:
        conditions.append(Ticket.updated_at >= updated_since)
    return unit.session.scalar(
        select(func.count()).select_from(Ticket).where(*conditions)
    ) or 0


def _page_statement(query: TicketQuery, conditions: list[ColumnElement[bool]], total: int) \
        -> Select[Ticket, str, str, str | None]:
    """The page: ticket numbers picked on the narrow order index, then the full rows.

    The inner query skips ``offset`` entries of ix_tickets_tenant_created
    (or _updated) without reading a ticket row or a join. Past the middle it
    walks from the other end instead (``total`` is exact), so the deepest
    page costs what a page in the middle does.
    """
    order_column = Ticket.updated_at if query.order_by_updated else Ticket.created_at
    descending = query.descending
    limit = min(query.page_size, total - query.offset)
    offset = query.offset
    if offset > total // 2:
        descending = not descending
        offset = total - query.offset - limit
    inner = (
        select(Ticket.number)
        .where(*conditions)
        .order_by(*_ordering(order_column, descending=descending))
        .limit(limit)
        .offset(offset)
    )
    statement = (
        select(Ticket, Contact.primary_email, Contact.name, Company.name)
        .join(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .where(Ticket.number.in_(inner))
    )
    if not query.with_description:
        statement = statement.options(defer(Ticket.description_html),
                                      defer(Ticket.description_text))
    return statement


def _ordering(column: InstrumentedAttribute[datetime], *, descending: bool) \
        -> tuple[UnaryExpression[Any], UnaryExpression[Any]]:
    if descending:
        return column.desc(), Ticket.number.desc()
    return column.asc(), Ticket.number.asc()
