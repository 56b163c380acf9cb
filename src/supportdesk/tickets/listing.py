"""Listing tickets: one page query and one count, whatever the page size or offset.

The list is the hottest call of the API (integrations page through every
ticket), so its reads are Core statements run through ``db.scoping.run_scoped``
and its rows are plain result rows, not ORM objects: an ORM statement costs
several times its query here (docs/benchmarks.md, Request path).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, FromClause, Select, UnaryExpression, func, select, text

from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.db.base import table_of
from supportdesk.db.scoping import run_scoped, tenant_criterion
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.tickets import counters, field_values
from supportdesk.tickets.filters import (
    ID_KEYS,
    UNSET,
    TicketFilter,
    candidate_numbers,
    filter_clauses,
    resolve,
)
from supportdesk.tickets.models import Ticket, TicketFields
from supportdesk.unit import TenantUnit

PAGE_SIZES = (30, 50, 100)

_TICKETS = table_of(Ticket)
_CONTACTS = table_of(Contact)
_COMPANIES = table_of(Company)
# What a list item shows; the description and custom fields only when asked for.
_OPTIONAL = frozenset({"description_html", "description_text", "custom_fields"})
_ALWAYS = [column for column in _TICKETS.c if column.key not in _OPTIONAL | {"tenant_id"}]
_PEOPLE = (
    _CONTACTS.c.primary_email.label("contact_email"),
    _CONTACTS.c.name.label("contact_name"),
    _COMPANIES.c.name.label("company_name"),
)
_WITH_PEOPLE = _TICKETS.join(
    _CONTACTS, (_CONTACTS.c.id == _TICKETS.c.contact_id) & tenant_criterion(_CONTACTS)
).outerjoin(
    _COMPANIES, (_COMPANIES.c.id == _TICKETS.c.company_id) & tenant_criterion(_COMPANIES)
)

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
    fields = _custom_fields(unit, query.filters)
    total = _count(unit, query.filters, query.updated_since, fields)
    rows: list[ListedTicket] = []
    if total > query.offset:
        _plan_each_call(unit, query.filters)
        conditions = _conditions(unit, query.filters, query.updated_since, fields)
        found = run_scoped(unit.session, _page_statement(query, conditions, total,
                                                         _source(unit, query.filters, fields)))
        records = cast(list[Any], found.all())
        # Sorted here, not in SQL: an ORDER BY on the outer query lets SQLite
        # walk the order index again instead of fetching the picked numbers.
        records.sort(key=lambda row: (row.updated_at if query.order_by_updated
                                      else row.created_at, row.number),
                     reverse=query.descending)
        rows = [(row, row.contact_email, row.contact_name, row.company_name)
                for row in records]
    surveys = latest_sent_surveys(unit, [row[0].number for row in rows]) \
        if query.with_surveys else {}
    return TicketPage(total=total, rows=rows, surveys=surveys)


def count_tickets(unit: TenantUnit, flt: TicketFilter, *,
                  updated_since: datetime | None = None) -> int:
    """How many of the tenant's tickets match ``flt`` (and changed since ``updated_since``).

    No filter, or one filter key of ``ID_KEYS``, is read from the kept counts
    (``tickets/counters.py``), and one ``custom_fields`` key from the kept
    value counts or the value index (``tickets/field_values.py``); anything
    else is counted in SQL, where each filter key has an index to seek on.
    """
    return _count(unit, flt, updated_since, _custom_fields(unit, flt))


_CUSTOM_PLANS = "supportdesk_custom_plans"
# A custom field key whose wanted values at most this many tickets hold drives
# the count and the page: its tickets are read from ticket_field_values and
# fetched by number. Otherwise the value index is probed for each ticket that
# the order index (or another filter's index) yields, which finds a page of a
# common value after a few hundred tickets but walks them all for a rare one.
# At 1,000,000 tickets SQLite drives through about 350 candidates a millisecond
# (116,000 in 330 ms), so this bounds a driven page near 15 ms.
DRIVING_ROWS = 5_000
# What probing the value index for one ticket costs against reading one of its
# rows into a set (SQLite at 1,000,000 tickets: 28,000 open tickets probed in
# 23 ms; 116,000 Sales rows read and 28,000 looked up in 39 ms).
PROBE_COST = 3


@dataclass(frozen=True)
class _CustomFields:
    """The kept counts of a filter's indexed ``custom_fields`` keys' values, and the driver.

    ``counts`` maps a field key to its wanted texts' counts (with
    ``ANY_VALUE`` when ``--`` is wanted); ``driver`` is the key whose
    tickets the statements start from, if any.
    """

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    driver: str | None = None


def _custom_fields(unit: TenantUnit, flt: TicketFilter) -> _CustomFields:
    """Read the kept counts of ``flt``'s custom field values: a statement per key."""
    counts: dict[str, dict[str, int]] = {}
    candidates: dict[str, int] = {}
    for key, values in flt.custom.items():
        definition = unit.catalog.field_by_key.get(key)
        if definition is None or not field_values.is_indexed(definition):
            continue
        texts = field_values.filter_texts(definition, [v for v in values if v != UNSET])
        wanted = texts + ([field_values.ANY_VALUE] if UNSET in values else [])
        counts[key] = field_values.value_counts(unit.session, definition.id, wanted)
        if texts and UNSET not in values:
            # At most: a multi-select ticket is counted once per value it holds.
            candidates[key] = sum(counts[key][text] for text in texts)
    driver = min(candidates, key=lambda key: candidates[key], default=None)
    if driver is not None and candidates[driver] > DRIVING_ROWS:
        driver = None
    return _CustomFields(counts=counts, driver=driver)


def _count(unit: TenantUnit, flt: TicketFilter, updated_since: datetime | None,
           fields: _CustomFields) -> int:
    if updated_since is None and not flt.custom and len(flt.terms) <= 1:
        if not flt.terms:
            return counters.total_count(unit.session)
        ((key, values),) = flt.terms.items()
        if key in ID_KEYS:
            return counters.key_count(unit.session, key, resolve(key, values, unit.catalog))
    if updated_since is None and not flt.terms and len(flt.custom) == 1:
        kept = _custom_field_count(unit, flt, fields)
        if kept is not None:
            return kept
    statement = select(func.count()).select_from(_source(unit, flt, fields)).where(
        *_conditions(unit, flt, updated_since, fields, as_sets=_counted_as_sets(unit, flt, fields)))
    _plan_each_call(unit, flt)
    return int(run_scoped(unit.session, statement).scalar_one())


def _plan_each_call(unit: TenantUnit, flt: TicketFilter) -> None:
    """On PostgreSQL, plan this transaction's statements for their own parameters.

    psycopg prepares a statement run five times on a connection, and
    PostgreSQL may then keep one generic plan for any parameters, estimating
    a custom field value at the average number of tickets per distinct value
    (a handful, with a text field's many values): for a common choice it then
    starts from its ~100,000 tickets and looks each one up, 400 ms where a
    plan for the value itself takes 40. A statement with custom field terms
    is planned for its values, once per transaction (``SET LOCAL``).
    """
    session = unit.session
    if not flt.custom or session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is None or session.info.get(_CUSTOM_PLANS) is not transaction:
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        session.info[_CUSTOM_PLANS] = session.get_transaction()


def _custom_field_count(unit: TenantUnit, flt: TicketFilter, fields: _CustomFields) \
        -> int | None:
    """The count for a filter of one indexed custom field key, without reading tickets.

    Tickets with one of the wanted values, plus (for ``--``) every ticket
    but those with a value. A multi-select ticket may hold several wanted
    values, so those are counted once each on the value index.
    """
    ((key, values),) = flt.custom.items()
    definition = unit.catalog.field_by_key.get(key)
    if definition is None or key not in fields.counts:
        return None
    found = fields.counts[key]
    texts = [text for text in found if text != field_values.ANY_VALUE]
    if definition.field_type == "multi-select" and len(texts) > 1:
        total = field_values.tickets_with(unit.session, definition.id, texts)
    else:
        total = sum(found[text] for text in texts)
    if UNSET in values:
        total += counters.total_count(unit.session) - found[field_values.ANY_VALUE]
    return total


def _source(unit: TenantUnit, flt: TicketFilter, fields: _CustomFields) -> FromClause:
    """What the count and the page select from: tickets, or the driver's tickets."""
    if fields.driver is None:
        return _TICKETS
    definition = unit.catalog.field_by_key[fields.driver]
    candidates = candidate_numbers(definition, flt.custom[fields.driver])
    return candidates.join(_TICKETS, _TICKETS.c.number == candidates.c.ticket_number)


def _counted_as_sets(unit: TenantUnit, flt: TicketFilter, fields: _CustomFields) \
        -> frozenset[str]:
    """The custom field keys a count matches as sets of numbers rather than by probes.

    Probing for one ticket costs about ``PROBE_COST`` times what reading one
    row into the set does: a key with fewer rows (by its kept counts) than
    that many times the tickets the other keys leave is read as a set. Those
    tickets are estimated by the kept counts of the filter's ``ID_KEYS`` (the
    smallest), or all tickets. With a driver, the other keys are checked on
    its few tickets: probes.
    """
    if fields.driver is not None or not fields.counts:
        return frozenset()
    remaining = [counters.key_count(unit.session, key, resolve(key, values, unit.catalog))
                 for key, values in flt.terms.items() if key in ID_KEYS]
    others = min(remaining) if remaining else counters.total_count(unit.session)
    return frozenset(key for key, counts in fields.counts.items()
                     if sum(counts.values()) < others * PROBE_COST)


def _conditions(unit: TenantUnit, flt: TicketFilter, updated_since: datetime | None,
                fields: _CustomFields, *, as_sets: frozenset[str] = frozenset()) \
        -> list[ColumnElement[bool]]:
    if fields.driver is not None:
        # The driver's condition is the join of ``_source``; the other keys are
        # checked on its few tickets, one probe each.
        flt = replace(flt, custom={key: values for key, values in flt.custom.items()
                                   if key != fields.driver})
    conditions = [tenant_criterion(_TICKETS),
                  *filter_clauses(flt, unit.catalog, as_sets=as_sets)]
    if updated_since is not None:
        conditions.append(Ticket.updated_at >= updated_since)
    return conditions


def _page_statement(query: TicketQuery, conditions: list[ColumnElement[bool]], total: int,
                    source: FromClause) -> Select[Any]:
    """The page: ticket numbers picked on the narrow order index, then the full rows.

    The inner query skips ``offset`` entries of ix_tickets_tenant_created
    (or _updated) without reading a ticket row or a join. Past the middle it
    walks from the other end instead (``total`` is exact), so the deepest
    page costs what a page in the middle does.
    """
    order_column = _TICKETS.c.updated_at if query.order_by_updated else _TICKETS.c.created_at
    descending = query.descending
    limit = min(query.page_size, total - query.offset)
    offset = query.offset
    if offset > total // 2:
        descending = not descending
        offset = total - query.offset - limit
    inner = (
        select(_TICKETS.c.number)
        .select_from(source)
        .where(*conditions)
        .order_by(*_ordering(order_column, descending=descending))
        .limit(limit)
        .offset(offset)
    )
    columns = list(_ALWAYS)
    if query.with_description:
        columns += [_TICKETS.c.description_html, _TICKETS.c.description_text]
    if query.with_custom_fields:
        columns.append(_TICKETS.c.custom_fields)
    return (
        select(*columns, *_PEOPLE)
        .select_from(_WITH_PEOPLE)
        .where(tenant_criterion(_TICKETS), _TICKETS.c.number.in_(inner))
    )


def _ordering(column: ColumnElement[datetime], *, descending: bool) \
        -> tuple[UnaryExpression[Any], UnaryExpression[Any]]:
    if descending:
        return column.desc(), _TICKETS.c.number.desc()
    return column.asc(), _TICKETS.c.number.asc()
