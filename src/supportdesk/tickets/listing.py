"""Listing tickets: one page query and one count, whatever the page size or offset.

The list is the hottest call of the API (integrations page through every
ticket), so its reads are Core statements run through ``db.scoping.run_scoped``
and its rows are plain result rows, not ORM objects: an ORM statement costs
several times its query here (docs/benchmarks.md, Request path).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, UnaryExpression, func, select
from sqlalchemy.sql import operators

from supportdesk.db.scoping import run_scoped, tenant_criterion
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.tickets import counters
from supportdesk.tickets import custom_field_plans as plans
from supportdesk.tickets.filters import ID_KEYS, TicketFilter, filter_clauses, resolve
from supportdesk.tickets.models import Ticket, TicketFields
from supportdesk.tickets.reads import (
    CUSTOM_FIELDS,
    DESCRIPTION,
    SHOWN,
    TICKETS,
    records,
    tickets_with_people,
)
from supportdesk.unit import TenantUnit

PAGE_SIZES = (30, 50, 100)

# A page row: a ticket's listed columns with its contact's and company's names.
ListedTicket = tuple[TicketFields, str, str, str | None]


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
    with_custom_fields: bool = True
    with_surveys: bool = False


@dataclass(frozen=True)
class TicketPage:
    """One page of tickets with the total that matched.

    ``surveys`` holds the latest survey sent on each ticket of the page that
    has one, when the query asked for them (one more query).
    """

    total: int
    rows: list[ListedTicket]
    surveys: dict[int, SentSurveyRead] = field(default_factory=dict)


def list_tickets(unit: TenantUnit, query: TicketQuery) -> TicketPage:
    """The tickets matching ``query``, newest first by default, with the total count.

    Ties on the timestamp are broken by ticket number so pages never overlap.
    """
    fields = plans.custom_fields(unit, query.filters)
    total, tickets = _count_and_every(unit, query.filters, query.updated_since, fields)
    rows: list[ListedTicket] = []
    if total > query.offset:
        plans.plan_each_call(unit, query.filters)
        conditions = _conditions(unit, query.filters, query.updated_since, fields)
        window = _window(query, total)
        statement = _page_statement(
            query, conditions, window, plans.source(unit, query.filters, fields),
            sort_matches=_sort_matches(unit, query, total, tickets, window))
        found = records(run_scoped(unit.session, statement))
        # Sorted here, not in SQL: an ORDER BY on the outer query lets SQLite
        # walk the order index again instead of fetching the picked numbers.
        found.sort(key=lambda row: (row.updated_at if query.order_by_updated
                                    else row.created_at, row.number),
                   reverse=query.descending)
        rows = [(row, row.contact_email, row.contact_name, row.company_name)
                for row in found]
    surveys = latest_sent_surveys(unit, [row[0].number for row in rows]) \
        if query.with_surveys else {}
    unit.end_reads()
    return TicketPage(total=total, rows=rows, surveys=surveys)


def count_tickets(unit: TenantUnit, flt: TicketFilter, *,
                  updated_since: datetime | None = None) -> int:
    """How many of the tenant's tickets match ``flt`` (and changed since ``updated_since``).

    No filter, or one filter key of ``ID_KEYS``, is read from the kept counts
    (``tickets/counters.py``), and one ``custom_fields`` key from the kept
    value counts or the value index (``tickets/custom_field_plans.py``);
    anything else is counted in SQL, where each filter key has an index to
    seek on.
    """
    return _count_and_every(unit, flt, updated_since, plans.custom_fields(unit, flt))[0]


def _count_and_every(unit: TenantUnit, flt: TicketFilter, updated_since: datetime | None,
                     fields: plans.CustomFields) -> tuple[int, int | None]:
    """``count_tickets``, and (when the same statement can) all of the tenant's tickets."""
    if updated_since is None and not flt.custom and len(flt.terms) <= 1:
        if not flt.terms:
            every = counters.total_count(unit.session)
            return every, every
        ((key, values),) = flt.terms.items()
        if key in ID_KEYS:
            return counters.key_count_and_total(unit.session, key,
                                                resolve(key, values, unit.catalog))
    if updated_since is None and not flt.terms and len(flt.custom) == 1:
        kept = plans.custom_field_count(unit, flt, fields)
        if kept is not None:
            return kept, None
    statement = select(func.count(), counters.EVERY_TICKET) \
        .select_from(plans.source(unit, flt, fields)) \
        .where(*_conditions(unit, flt, updated_since, fields,
                            as_sets=plans.counted_as_sets(unit, flt, fields)))
    plans.plan_each_call(unit, flt)
    found = run_scoped(unit.session, statement).one()
    return int(found[0]), int(found[1])


def _conditions(unit: TenantUnit, flt: TicketFilter, updated_since: datetime | None,
                fields: plans.CustomFields, *, as_sets: frozenset[str] = frozenset()) \
        -> list[ColumnElement[bool]]:
    if fields.driver is not None:
        # The driver's condition is the join of ``plans.source``; the other keys
        # are checked on its few tickets, one probe each.
        flt = replace(flt, custom={key: values for key, values in flt.custom.items()
                                   if key != fields.driver})
    conditions = [tenant_criterion(TICKETS),
                  *filter_clauses(flt, unit.catalog, as_sets=as_sets)]
    if updated_since is not None:
        conditions.append(Ticket.updated_at >= updated_since)
    return conditions


@dataclass(frozen=True)
class _Window:
    """The page as the inner query walks it: maybe from the other end."""

    offset: int
    limit: int
    descending: bool


def _window(query: TicketQuery, total: int) -> _Window:
    """Past the middle of the result, the same page counted from the other end.

    ``total`` is exact, so the deepest page costs what a page in the middle does.
    """
    limit = min(query.page_size, total - query.offset)
    if query.offset > total // 2:
        return _Window(total - query.offset - limit, limit, not query.descending)
    return _Window(query.offset, limit, query.descending)


def _sort_matches(unit: TenantUnit, query: TicketQuery, total: int, tickets: int | None,
                  window: _Window) -> bool:
    """Whether a filtered page should sort its matches instead of walking the order index.

    Walking the order index reads about ``(offset + limit) * tickets / total``
    rows to find the page, each a ticket row to test; reading the ``total``
    matches through their filter index (ix_tickets_tenant_facets covers them)
    and sorting them reads ``total`` index entries. So a selective filter
    sorts and a broad one walks. PostgreSQL's planner makes this choice from
    its statistics; SQLite's has none to make it with and walks the order
    index whenever it can (18,000 rows for a filter matching 0.5% of 200,000
    tickets: 14 ms, against 0.3 ms sorting its 1,084 matches). Custom field
    keys choose for themselves (``custom_field_plans``).
    """
    if query.filters.is_empty or query.filters.custom or tickets is None \
            or unit.session.get_bind().dialect.name != "sqlite":
        return False
    return total * total < (window.offset + window.limit) * tickets


def _page_statement(query: TicketQuery, conditions: list[ColumnElement[bool]],
                    window: _Window, source: FromClause, *, sort_matches: bool) -> Select[Any]:
    """The page: ticket numbers picked on the narrow order index, then the full rows.

    The inner query skips ``offset`` entries of ix_tickets_tenant_created
    (or _updated) without reading a ticket row or a join. ``sort_matches``
    (SQLite) writes the order as ``+column``, which SQLite cannot serve from
    an index, so it reads the matches through their filter index and sorts
    them (keeping only ``offset + limit``).
    """
    order_column: ColumnElement[Any] = \
        TICKETS.c.updated_at if query.order_by_updated else TICKETS.c.created_at
    number: ColumnElement[Any] = TICKETS.c.number
    if sort_matches:
        order_column, number = _unindexed(order_column), _unindexed(number)
    inner = (
        select(TICKETS.c.number)
        .select_from(source)
        .where(*conditions)
        .order_by(*_ordering(order_column, number, descending=window.descending))
        .limit(window.limit)
        .offset(window.offset)
    )
    columns: list[ColumnElement[Any]] = list(SHOWN)
    if query.with_description:
        columns += DESCRIPTION
    if query.with_custom_fields:
        columns.append(CUSTOM_FIELDS)
    return tickets_with_people(columns, [TICKETS.c.number.in_(inner)])


def _unindexed(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``+column``: the same value, which SQLite's planner cannot take from an index."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _ordering(column: ColumnElement[Any], number: ColumnElement[Any], *, descending: bool) \
        -> tuple[UnaryExpression[Any], UnaryExpression[Any]]:
    if descending:
        return column.desc(), number.desc()
    return column.asc(), number.asc()
