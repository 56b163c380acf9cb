"""Searching a tenant's tickets: the exact count and one page of the matches.

What matches and how relevance is scored is ``search.matching``. Ties in
relevance (and ``order_by`` created/updated time) fall back to newest
first, then ticket number, so pages never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import UnaryExpression, select
from sqlalchemy.orm import defer

from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.errors import BadRequest
from supportdesk.search.matching import Matches, match_statements
from supportdesk.search.query import SearchRequest
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.tickets.listing import TicketPage
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

ORDERS = ("relevance", "created_time", "updated_time")


@dataclass(frozen=True)
class SearchPage:
    """Which page of the matches, in which order, with which columns."""

    page_size: int = 30
    offset: int = 0
    order_by: str = "relevance"
    descending: bool = True
    with_description: bool = False
    with_surveys: bool = False


def count_matches(unit: TenantUnit, matches: Matches) -> int:
    """How many of the tenant's tickets match: exact, counted on the index alone."""
    return unit.session.scalar(matches.count) or 0


def search_tickets(unit: TenantUnit, request: SearchRequest, page: SearchPage) -> TicketPage:
    """The tenant's tickets matching ``request``: the exact total and one page.

    Archived tickets do not exist yet, so ``include_archived`` changes nothing.
    """
    if page.order_by not in ORDERS:
        raise BadRequest(f"order_by must be one of {', '.join(ORDERS)}")
    matches = match_statements(unit, request)
    total = count_matches(unit, matches)
    matched = matches.scored.subquery("matched")
    newest: tuple[UnaryExpression[Any], ...] = (Ticket.created_at.desc(),
                                                Ticket.number.desc())
    ordering: tuple[UnaryExpression[Any], ...]
    if page.order_by == "relevance":
        # score is lower for better matches on both databases.
        score = matched.c.score.asc() if page.descending else matched.c.score.desc()
        ordering = (score, *newest)
    else:
        column = Ticket.updated_at if page.order_by == "updated_time" else Ticket.created_at
        ordering = (column.desc(), Ticket.number.desc()) if page.descending \
            else (column.asc(), Ticket.number.asc())
    statement = (
        select(Ticket, Contact.primary_email, Contact.name, Company.name)
        .join(matched, Ticket.number == matched.c.number)
        .join(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .order_by(*ordering)
        .limit(page.page_size)
        .offset(page.offset)
    )
    if not page.with_description:
        statement = statement.options(defer(Ticket.description_html),
                                      defer(Ticket.description_text))
    rows: list[tuple[Ticket, str, str, str | None]] = []
    if total > page.offset:
        rows = [(row[0], row[1], row[2], row[3]) for row in unit.session.execute(statement)]
    surveys = latest_sent_surveys(unit, [row[0].number for row in rows]) \
        if page.with_surveys else {}
    return TicketPage(total=total, rows=rows, surveys=surveys)
