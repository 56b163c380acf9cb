"""Listing tickets: one page query and one count, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.tickets.filters import TicketFilter, filter_clauses
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
    conditions = filter_clauses(query.filters, unit.catalog, unit.session)
    if query.updated_since is not None:
        conditions.append(Ticket.updated_at >= query.updated_since)
    total = unit.session.scalar(
        select(func.count()).select_from(Ticket).where(*conditions)
    ) or 0
    order_column = Ticket.updated_at if query.order_by_updated else Ticket.created_at
    ordering = (order_column.desc(), Ticket.number.desc()) if query.descending \
        else (order_column.asc(), Ticket.number.asc())
    statement = (
        select(Ticket, Contact.primary_email, Contact.name, Company.name)
        .join(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .where(*conditions)
        .order_by(*ordering)
        .limit(query.page_size)
        .offset(query.offset)
    )
    if not query.with_description:
        statement = statement.options(defer(Ticket.description_html),
                                      defer(Ticket.description_text))
    rows: list[tuple[Ticket, str, str, str | None]] = []
    if total > query.offset:
        rows = [(row[0], row[1], row[2], row[3]) for row in unit.session.execute(statement)]
    surveys = latest_sent_surveys(unit, [row[0].number for row in rows]) \
        if query.with_surveys else {}
    return TicketPage(total=total, rows=rows, surveys=surveys)

