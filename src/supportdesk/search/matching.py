"""Which of a tenant's tickets a search matches, as each database's index finds them.

Matching (both databases): English stemming (``printers`` finds
``printer``), stop words kept (``the`` is a word like any other), accents
folded (``cafe`` and ``café`` find each other), every chunk of a query must
match (see ``search.query``), in the sections the request names. SQLite
runs an FTS5 ``MATCH`` whose every chunk is a quoted string, so user text is
never query syntax; PostgreSQL builds ``phraseto_tsquery`` per chunk (any
text is safe) and ``to_tsquery`` only from letters and digits for prefixes,
both with the project's text search configuration (``index.TEXT_CONFIG``).

Relevance: SQLite's ``bm25`` with column weights, PostgreSQL's ``ts_rank``
over the weighted document. Both weigh a hit in the subject or number
highest, then the description, then attachment names, custom fields and
people, and conversations least.

The statements here read the index alone, never ``tickets``: every index
row is a ticket of its tenant (written in the ticket writer's transaction;
on PostgreSQL a cascading foreign key as well), so the index's matches are
the tenant's matching tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.sql.expression import TableClause

from supportdesk.catalog.snapshot import Catalog
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
from supportdesk.unit import TenantUnit

# bm25 weight of each section, in SECTIONS order.
SECTION_WEIGHTS = {"number": 10.0, "subject": 10.0, "attachments": 2.0, "custom": 2.0,
                   "people": 2.0, "fields": 2.0, "description": 4.0, "conversations": 1.0}


@dataclass(frozen=True)
class Matches:
    """A search's matching tickets, as statements over the index alone.

    ``numbers`` selects the ticket number (``number``) of every match;
    ``scored`` adds its relevance (``score``: lower is better, on both
    databases); ``count`` counts them. ``is_count_cheap`` says whether the
    count reads only the index's word lists (SQLite's FTS5) or, like the
    other two, every match's index row (PostgreSQL: a GIN index cannot count,
    so the rows it points at are visited). ``probe(number)`` selects one row
    when the ticket numbered ``number`` (a column of an enclosing query)
    matches, reading that ticket's index row alone.
    """

    numbers: Select[int]
    scored: Select[int, float]
    count: Select[int]
    is_count_cheap: bool
    probe: Callable[[Any], Select[Any]]


@dataclass(frozen=True)
class _Place:
    """One place a term may match: index sections, or one custom field (tagged words)."""

    sections: tuple[str, ...]
    field_id: int | None = None


def _places(term: Term, catalog: Catalog) -> list[_Place]:
    if term.sections:
        return [_Place(term.sections)]
    places: list[_Place] = []
    for name in term.fields:
        if name in ADVANCED_FIELDS:
            places.append(_Place((ADVANCED_FIELDS[name],)))
            continue
        definition = catalog.field_by_key.get(name)
        if definition is None:
            known = ", ".join(f.wire_key for f in catalog.custom_fields) or "none are defined"
            raise BadRequest(f"search_in: unknown custom field {name!r} (known fields: {known})")
        if definition.field_type not in WORD_FIELD_TYPES:
            raise BadRequest(f"search_in: {name!r} is a {definition.field_type} field; search "
                             "reads text, paragraph, dropdown and multi-select fields")
        places.append(_Place(("fields",), definition.id))
    return places


def _chunks_for(place: _Place, chunks: tuple[Chunk, ...]) -> list[Chunk]:
    if place.field_id is None:
        return list(chunks)
    return [Chunk(tag_words(place.field_id, c.text), c.is_prefix) for c in chunks]


def match_statements(unit: TenantUnit, request: SearchRequest) -> Matches:
    """The statements that find ``request``'s matches among the unit's tenant's tickets."""
    if unit.session.get_bind().dialect.name == "postgresql":
        return _postgres_matches(unit, request)
    return _sqlite_matches(unit, request)


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


def _sqlite_matches(unit: TenantUnit, request: SearchRequest) -> Matches:
    fts = fts_table()
    low, high = tenant_rowid_range(unit.tenant_id)
    index: ColumnElement[Any] = literal_column(SEARCH_TABLE)
    found = (index.op("MATCH")(_fts_expression(request, unit.catalog)),
             fts.c.rowid.between(low, high))
    number = (fts.c.rowid - low).label("number")
    score = func.bm25(index, *(SECTION_WEIGHTS[s] for s in SECTIONS)).label("score")
    return Matches(
        numbers=select(number).where(*found),
        scored=select(number, score).where(*found),
        # The doclists alone answer this: no bm25, no row of the table is read.
        count=select(func.count()).select_from(fts).where(*found),
        is_count_cheap=True,
        probe=lambda ticket: select(literal(1)).where(found[0], fts.c.rowid == ticket + low),
    )


# -- PostgreSQL: tsvector / tsquery ---------------------------------------------------------


def _tsquery(chunk: Chunk) -> ColumnElement[Any]:
    """The chunk's tsquery, its words read as the documents' words are.

    The configuration drops no word (it has no stop words), so a prefix is
    stemmed as FTS5 stems one: ``printers*`` looks for stems starting with
    ``printer``, and ``is*`` or ``the*`` are prefixes like any other.
    """
    config: ColumnElement[Any] = literal_column(f"'{TEXT_CONFIG}'::regconfig")
    if not chunk.is_prefix:
        return func.phraseto_tsquery(config, words_only(chunk.text))
    # Only letters and digits reach to_tsquery's syntax, each inside quotes.
    words = " <-> ".join(f"'{word}'" for word in tokens(chunk.text)) + ":*"
    return func.to_tsquery(config, words)


def _all_of(queries: list[ColumnElement[Any]]) -> ColumnElement[Any]:
    combined = queries[0]
    for query in queries[1:]:
        combined = combined.op("&&")(query)
    return combined


def _matches(vector: ColumnElement[Any], query: ColumnElement[Any]) -> ColumnElement[bool]:
    return vector.op("@@", is_comparison=True)(query)


def _within(index: TableClause, sections: tuple[str, ...],
            queries: list[ColumnElement[Any]], query: ColumnElement[Any]) \
        -> ColumnElement[bool]:
    """Whether ``query`` (the chunks' ``queries`` combined) matches within ``sections``.

    Each chunk must match within one of the sections, as FTS5 matches a
    phrase within one column: the chunks of a query may be found in
    different sections, but a phrase never runs from the end of one section
    into the next (the weighted document, which the GIN index answers for,
    holds the sections end to end, so it alone would let it). A chunk whose
    words the parser keeps none of would be an empty tsquery, which ``&&``
    leaves out of ``query``: it must not fail the test either. (The
    configuration has no stop words, so no chunk of letters and digits should
    be one.)
    """
    columns = [index.c[name] for name in sections]
    if len(columns) == 1:
        return _matches(columns[0], query)
    tests: list[ColumnElement[bool]] = []
    for chunk_query in queries:
        found = or_(*(_matches(column, chunk_query) for column in columns))
        tests.append(or_(func.numnode(chunk_query) == 0, found))
    return and_(*tests)


def _postgres_matches(unit: TenantUnit, request: SearchRequest) -> Matches:
    index: TableClause = search_table()
    conditions: list[ColumnElement[bool]] = [index.c.tenant_id == unit.tenant_id]
    ranked: list[ColumnElement[Any]] = []
    for term in request.terms:
        alternatives: list[ColumnElement[bool]] = []
        for place in _places(term, unit.catalog):
            chunks = _chunks_for(place, term.chunks)
            queries = [_tsquery(c) for c in chunks]
            query = _all_of(queries)
            ranked.append(query)
            # The document holds every section, so it must match too: that
            # test is what the GIN index answers; the section test decides.
            match: ColumnElement[bool] = _matches(index.c.document, query)
            if set(place.sections) != set(SECTIONS):
                match = match & _within(index, place.sections, queries, query)
            alternatives.append(match)
        conditions.append(or_(*alternatives))
    number = index.c.ticket_number.label("number")
    score = (-func.ts_rank(index.c.document, _all_of(ranked))).label("score")
    return Matches(
        numbers=select(number).where(*conditions),
        scored=select(number, score).where(*conditions),
        count=select(func.count()).select_from(index).where(*conditions),
        is_count_cheap=False,
        probe=lambda ticket: select(literal(1)).where(*conditions,
                                                      index.c.ticket_number == ticket),
    )

