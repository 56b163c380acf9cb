"""Searching a tenant's tickets: one count and one page query over the index.

Matching (both databases): English stemming (``printers`` finds
``printer``), every chunk of a query must match (see ``search.query``), in
the sections the request names. SQLite runs an FTS5 ``MATCH`` whose every
chunk is a quoted string, so user text is never query syntax; PostgreSQL
builds ``phraseto_tsquery`` per chunk (any text is safe) and ``to_tsquery``
only from letters and digits for prefixes.

Relevance: SQLite's ``bm25`` with column weights, PostgreSQL's ``ts_rank``
over the weighted document. Both weigh a hit in the subject or number
highest, then the description, then attachment names, custom fields and
people, and conversations least. Ties (and ``order_by`` created/updated
time) fall back to newest first, then ticket number, so pages never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, func, literal_column, or_, select
from sqlalchemy.orm import defer
from sqlalchemy.sql.expression import Subquery, TableClause

from supportdesk.catalog.snapshot import Catalog
from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.errors import BadRequest
from supportdesk.search.documents import WORD_FIELD_TYPES, tag_words, tokens
from supportdesk.search.index import TEXT_CONFIG, words_only
from supportdesk.search.models import (
    SEARCH_TABLE,
    SECTIONS,
    fts_table,
    search_table,
    tenant_rowid_range,
)
from supportdesk.search.query import ADVANCED_FIELDS, Chunk, SearchRequest, Term
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.tickets.listing import ListedTicket, TicketPage
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

ORDERS = ("relevance", "created_time", "updated_time")
# bm25 weight of each section, in SECTIONS order.
SECTION_WEIGHTS = {"number": 10.0, "subject": 10.0, "attachments": 2.0, "custom": 2.0,
                   "people": 2.0, "fields": 2.0, "description": 4.0, "conversations": 1.0}


@dataclass(frozen=True)
class SearchPage:
    """Which page of the matches, in which order, with which columns."""

    page_size: int = 30
    offset: int = 0
    order_by: str = "relevance"
    descending: bool = True
    with_description: bool = False
    with_surveys: bool = False


@dataclass(frozen=True)
class _Match:
    """One place a term may match: index sections, or one custom field (tagged words)."""

    sections: tuple[str, ...]
    field_id: int | None = None


def _places(term: Term, catalog: Catalog) -> list[_Match]:
    if term.sections:
        return [_Match(term.sections)]
    places: list[_Match] = []
    for name in term.fields:
        if name in ADVANCED_FIELDS:
            places.append(_Match((ADVANCED_FIELDS[name],)))
            continue
        definition = catalog.field_by_key.get(name)
        if definition is None:
            known = ", ".join(f.wire_key for f in catalog.custom_fields) or "none are defined"
            raise BadRequest(f"search_in: unknown custom field {name!r} (known fields: {known})")
        if definition.field_type not in WORD_FIELD_TYPES:
            raise BadRequest(f"search_in: {name!r} is a {definition.field_type} field; search "
                             "reads text, paragraph, dropdown and multi-select fields")
        places.append(_Match(("fields",), definition.id))
    return places


def _chunks_for(place: _Match, chunks: tuple[Chunk, ...]) -> list[Chunk]:
    if place.field_id is None:
        return list(chunks)
    return [Chunk(tag_words(place.field_id, c.text), c.is_prefix) for c in chunks]


# -- SQLite: FTS5 -------------------------------------------------------------------------


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_expression(request: SearchRequest, catalog: Catalog) -> str:
    """The MATCH expression; every piece of user text inside double quotes."""
    terms: list[str] = []
    for term in request.terms:
        alternatives = []
        for place in _places(term, catalog):
            chunks = " AND ".join(_fts_string(c.text) + (" *" if c.is_prefix else "")
                                  for c in _chunks_for(place, term.chunks))
            alternatives.append(f"{{{' '.join(place.sections)}}} : ({chunks})")
        terms.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(terms)


def _sqlite_matches(unit: TenantUnit, request: SearchRequest) -> tuple[Subquery,
                                                                        ColumnElement[Any]]:
    fts = fts_table()
    low, high = tenant_rowid_range(unit.tenant_id)
    index: ColumnElement[Any] = literal_column(SEARCH_TABLE)
    score = func.bm25(index, *(SECTION_WEIGHTS[s] for s in SECTIONS))
    matched = (
        select(fts.c.rowid.label("doc"), score.label("score"))
        .where(index.op("MATCH")(_fts_expression(request, unit.catalog)),
               fts.c.rowid.between(low, high))
        .subquery("matched")
    )
    return matched, matched.c.doc - low


# -- PostgreSQL: tsvector / tsquery ---------------------------------------------------------


def _tsquery(chunk: Chunk) -> ColumnElement[Any]:
    config: ColumnElement[Any] = literal_column(f"'{TEXT_CONFIG}'::regconfig")
    if not chunk.is_prefix:
        return func.phraseto_tsquery(config, words_only(chunk.text))
    # Only letters and digits reach to_tsquery's syntax, each inside quotes.
    words = " <-> ".join(f"'{word}'" for word in tokens(chunk.text)) + ":*"
    # A prefix is not a word: 'a*' or 'is*' must not vanish as a stop word, so
    # the unstemmed 'simple' reading is allowed too.
    simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
    return func.to_tsquery(config, words).op("||")(func.to_tsquery(simple, words))


def _all_of(queries: list[ColumnElement[Any]]) -> ColumnElement[Any]:
    combined = queries[0]
    for query in queries[1:]:
        combined = combined.op("&&")(query)
    return combined


def _postgres_matches(unit: TenantUnit, request: SearchRequest) -> tuple[Subquery,
                                                                          ColumnElement[Any]]:
    index: TableClause = search_table()
    conditions: list[ColumnElement[bool]] = [index.c.tenant_id == unit.tenant_id]
    ranked: list[ColumnElement[Any]] = []
    for term in request.terms:
        alternatives: list[ColumnElement[bool]] = []
        for place in _places(term, unit.catalog):
            query = _all_of([_tsquery(c) for c in _chunks_for(place, term.chunks)])
            ranked.append(query)
            # The document holds every section, so it must match too: that
            # test is what the GIN index answers; the section test decides.
            match: ColumnElement[bool] = index.c.document.op("@@", is_comparison=True)(query)
            if set(place.sections) != set(SECTIONS):
                sections = [index.c[name] for name in place.sections]
                text: ColumnElement[Any] = sections[0]
                for section in sections[1:]:
                    text = text.op("||")(section)
                match = match & text.op("@@", is_comparison=True)(query)
            alternatives.append(match)
        conditions.append(or_(*alternatives))
    score = func.ts_rank(index.c.document, _all_of(ranked))
    matched = (
        select(index.c.ticket_number.label("doc"), (-score).label("score"))
        .where(*conditions)
        .subquery("matched")
    )
    return matched, matched.c.doc


# -- both ---------------------------------------------------------------------------------


def _matches(unit: TenantUnit, request: SearchRequest) -> tuple[Subquery, ColumnElement[Any]]:
    if unit.session.get_bind().dialect.name == "postgresql":
        return _postgres_matches(unit, request)
    return _sqlite_matches(unit, request)


def search_tickets(unit: TenantUnit, request: SearchRequest, page: SearchPage) -> TicketPage:
    """The tenant's tickets matching ``request``: the exact total and one page.

    Archived tickets do not exist yet, so ``include_archived`` changes nothing.
    """
    if page.order_by not in ORDERS:
        raise BadRequest(f"order_by must be one of {', '.join(ORDERS)}")
    matched, number = _matches(unit, request)
    total = unit.session.scalar(
        select(func.count()).select_from(Ticket).join(matched, Ticket.number == number)
    ) or 0
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
        .join(matched, Ticket.number == number)
        .join(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .order_by(*ordering)
        .limit(page.page_size)
        .offset(page.offset)
    )
    if not page.with_description:
        statement = statement.options(defer(Ticket.description_html),
                                      defer(Ticket.description_text))
    rows: list[ListedTicket] = []
    if total > page.offset:
        rows = [(row[0], row[1], row[2], row[3]) for row in unit.session.execute(statement)]
    surveys = latest_sent_surveys(unit, [row[0].number for row in rows]) \
        if page.with_surveys else {}
    return TicketPage(total=total, rows=rows, surveys=surveys)
