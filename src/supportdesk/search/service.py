"""Searching a tenant's tickets: the exact count and one page of the matches.

What matches and how relevance is scored is ``search.matching``. Ties in
relevance (and ``order_by`` created/updated time) fall back to newest
first, then ticket number, so pages never overlap.

A page is found in two steps: its ticket numbers are picked with as little
read as the order allows, then those 30 (50, 100) tickets are read with
their contact and company. No step reads or sorts whole ticket rows for
every match.

- Relevance: every match must be scored to know the best (that is O(matches)
  on any index), but only its number and score are kept. The scores at the
  page's first and last positions bound the page; the matches scored better
  are counted, not read. The page's ties (the matches scored within the
  bounds) are ordered newest first by looking each one up in ``tickets``,
  or, when the page lies within one score, by walking the order index.
- Created/updated time: either walk the tenant's order index
  (``ix_tickets_tenant_created`` / ``_updated``) keeping entries that match,
  which stops after the page, or look up each match's time and sort.

Walking is chosen when it should read less: matches are taken as spread
evenly over the tenant's tickets, so reaching position p of n matches walks
about p * tickets / n entries, against n lookups. Past the middle of the
matches, pages are found from the other end when the count is known first
(always for time orders; on SQLite for relevance), so the deepest page costs
what a page in the middle does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    ScalarSelect,
    Select,
    UnaryExpression,
    case,
    func,
    lateral,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, defer

from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.errors import BadRequest
from supportdesk.search.matching import Matches, match_statements
from supportdesk.search.query import SearchRequest
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.tickets import counters
from supportdesk.tickets.listing import ListedTicket, TicketPage
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

ORDERS = ("relevance", "created_time", "updated_time")
# How many order-index entries a walk may read for the cost of looking up one
# match's ticket (1,000,000 tickets, both databases: 0.1 to 0.25 us per entry
# walked against a set of numbers, 4 to 6 us per match looked up by number).
WALK_ENTRIES_PER_LOOKUP = 20
# How many walked tickets may have their own index row probed for the cost
# of reading one match's index row with all the others (PostgreSQL, 1,000,000
# tickets: about 10 us per probe, a random page and the match test, against
# about 4 us per match read).
PROBES_PER_MATCH_READ = 0.4


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
class _Slice:
    """The page as positions in an order: from the nearer end when past the middle.

    With ``is_reversed`` the page is ``limit`` rows from ``offset`` in the
    reverse order, i.e. the same rows, read backwards.
    """

    limit: int
    offset: int
    is_reversed: bool


def _slice(page: SearchPage, total: int) -> _Slice:
    limit = min(page.page_size, total - page.offset)
    if page.offset > total // 2:
        return _Slice(limit, total - page.offset - limit, is_reversed=True)
    return _Slice(limit, page.offset, is_reversed=False)


def count_matches(unit: TenantUnit, matches: Matches) -> int:
    """How many of the tenant's tickets match: exact, counted on the index alone."""
    return unit.session.scalar(matches.count) or 0


_turns: dict[int, threading.BoundedSemaphore] = {}
_turns_lock = threading.Lock()


@contextmanager
def search_turn(concurrency: int) -> Iterator[None]:
    """One of the ``concurrency`` turns this process gives searches at a time.

    Ranking and counting read every match, and SQLite sorts them in memory
    (``temp_store=MEMORY``): at a million tickets sixteen concurrent searches
    in a worker took it past 300 MB. Searches beyond the limit wait here, in
    their request's thread, before touching the database.
    """
    with _turns_lock:
        turn = _turns.setdefault(concurrency, threading.BoundedSemaphore(concurrency))
    with turn:
        yield


def search_tickets(unit: TenantUnit, request: SearchRequest, page: SearchPage) -> TicketPage:
    """The tenant's tickets matching ``request``: the exact total and one page.

    Archived tickets do not exist yet, so ``include_archived`` changes nothing.
    """
    if page.order_by not in ORDERS:
        raise BadRequest(f"order_by must be one of {', '.join(ORDERS)}")
    matches = match_statements(unit, request)
    with search_turn(unit.settings.search_concurrency):
        if page.order_by == "relevance":
            total, numbers = _by_relevance(unit, matches, page)
        else:
            total = count_matches(unit, matches)
            numbers = _by_time(unit, matches, page, total) if total > page.offset else []
    rows = _read_rows(unit, numbers, with_description=page.with_description)
    surveys = latest_sent_surveys(unit, numbers) if page.with_surveys else {}
    return TicketPage(total=total, rows=rows, surveys=surveys)


# -- relevance ----------------------------------------------------------------------------


def _by_relevance(unit: TenantUnit, matches: Matches, page: SearchPage) \
        -> tuple[int, list[int]]:
    """The total and the page's numbers, best first (or worst first if ascending).

    Where counting is cheap (SQLite) the count comes first, so an empty page
    costs no scoring and a deep page can be bounded from the nearer end;
    otherwise (PostgreSQL) the count comes out of the scoring pass itself.
    """
    total: int | None = None
    if matches.is_count_cheap:
        total = count_matches(unit, matches)
        if total <= page.offset:
            return total, []
    is_postgres = unit.session.get_bind().dialect.name == "postgresql"
    statement = _relevance_statement(matches, page, total, is_postgres=is_postgres,
                                     tickets=counters.total_count(unit.session))
    found = unit.session.execute(statement).all()
    if total is None:
        if not found:  # past the end, or nothing matched: no row carried the total
            return count_matches(unit, matches), []
        total = int(found[0].total)
    return total, [int(row.number) for row in found]


def _relevance_statement(matches: Matches, page: SearchPage, total: int | None, *,
                         is_postgres: bool, tickets: int) -> Select[Any]:
    """The page's numbers in relevance order (and ``total`` when it is not known yet).

    ``score`` is lower for better matches on both databases. ``matched``
    keeps every match's number and score (computed once); ``bounds`` holds
    the scores at the page's first and last positions. The matches scored
    better are counted and skipped; the page is among those scored within
    the bounds (the page and its ties), ordered newest first, then by number.
    Those are either all looked up in ``tickets`` for their creation time,
    or, when the page lies within one score (ties are many: PostgreSQL's
    ts_rank often gives every match the same score) and that should read
    less, found by walking the order index and keeping that score's matches,
    which stops after the page. Every other match is read only as a number
    and a score.
    """
    matched = matches.scored.cte("matched").prefix_with("MATERIALIZED")
    score = matched.c.score
    best_first = page.descending
    if total is None:
        limit, offset, is_reversed = page.page_size, page.offset, False
    else:
        where = _slice(page, total)
        limit, offset, is_reversed = where.limit, where.offset, where.is_reversed
    ascending = best_first != is_reversed
    page_scores = (
        select(score).order_by(score.asc() if ascending else score.desc())
        .limit(limit).offset(offset).subquery("page_scores")
    )
    bounds = select(func.min(page_scores.c.score).label("low"),
                    func.max(page_scores.c.score).label("high")) \
        .cte("bounds").prefix_with("MATERIALIZED")
    before = score < bounds.c.low if best_first else score > bounds.c.high
    # What the page's two ways need, computed once: how many matches come
    # before the bounds and, when the page lies within one score, how many
    # share it (and all of them, when the total is not known yet).
    tied = _scalar(select(func.count()).select_from(matched.join(bounds,
                                                                 score == bounds.c.low)))
    counts = [
        _scalar(select(func.count()).select_from(matched.join(bounds, before)))
        .label("skipped"),
        case((bounds.c.low == bounds.c.high, tied), else_=None).label("tied"),
    ]
    if total is None:
        counts.append(_scalar(select(func.count()).select_from(matched)).label("total"))
    facts = select(bounds.c.low, bounds.c.high, *counts) \
        .cte("facts").prefix_with("MATERIALIZED")
    position = page.offset - _scalar(select(facts.c.skipped))  # within the bounds
    walks = _scalar(select(
        (page.offset - facts.c.skipped + page.page_size) * tickets
        <= facts.c.tied * facts.c.tied * WALK_ENTRIES_PER_LOOKUP))
    newest = (Ticket.created_at.desc(), Ticket.number.desc())
    # Each way is switched off by a LIMIT of 0, which both databases check
    # before reading anything (a false WHERE would still walk on SQLite).
    looked_up = (
        select(Ticket.number, score.label("score"), Ticket.created_at)
        .select_from(matched)
        .join(bounds, score.between(bounds.c.low, bounds.c.high))
        .join(Ticket, Ticket.number == matched.c.number)
        .order_by(score.asc() if best_first else score.desc(), *newest)
        .limit(case((walks, 0), else_=page.page_size)).offset(position)
        .subquery("looked_up")
    )
    tied_numbers = select(matched.c.number).join(bounds, score == bounds.c.low)
    walked = (
        select(Ticket.number, _scalar(select(facts.c.low)).label("score"), Ticket.created_at)
        .where(_among(tied_numbers, is_postgres=is_postgres))
        .order_by(*newest)
        .limit(case((walks, page.page_size), else_=0)).offset(position)
        .subquery("walked")
    )
    found = union_all(select(*looked_up.c), select(*walked.c)).subquery("found")
    statement: Select[Any] = select(found.c.number).order_by(
        found.c.score.asc() if best_first else found.c.score.desc(),
        found.c.created_at.desc(), found.c.number.desc())
    if total is None:
        statement = statement.add_columns(_scalar(select(facts.c.total)).label("total"))
    return statement


def _scalar(statement: Select[Any]) -> ScalarSelect[Any]:
    """``statement`` as a value computed once (uncorrelated, even inside a query on its tables)."""
    return statement.scalar_subquery().correlate(None)


def _among(numbers: Select[int], *, is_postgres: bool) -> ColumnElement[bool]:
    """Whether a ticket read while walking an order index is one of ``numbers``.

    Written plainly, the planners may turn this ``IN`` into a join that
    reads every one of ``numbers`` by number first; the page needs the walk
    only up to its last row, testing each walked ticket against a set built
    once. SQLite does that when ``number + 0`` keeps the ``IN`` from seeking
    by number; PostgreSQL when the ``IN`` is not a top-level condition
    (``OR false``), which it keeps as a filter over a hashed set.
    """
    if is_postgres:
        return or_(Ticket.number.in_(numbers), literal_column("false"))
    return (Ticket.number + 0).in_(numbers)


# -- created / updated time ---------------------------------------------------------------


def _by_time(unit: TenantUnit, matches: Matches, page: SearchPage, total: int) -> list[int]:
    """The page's numbers in created (or updated) time order, then by number.

    Three ways, by what they should read (matches are taken as spread evenly
    over the tenant's tickets, so reaching position p of ``total`` matches
    walks about p * tickets / total entries of the order index):

    - where reading the matches' index rows is the expensive part
      (PostgreSQL) and the walk is short, walk and test each walked ticket's
      own index row, never reading the other matches;
    - walk and keep the tickets in the set of matching numbers (built once);
    - look every match's time up and sort.
    """
    column = Ticket.updated_at if page.order_by == "updated_time" else Ticket.created_at
    where = _slice(page, total)
    descending = page.descending != where.is_reversed
    is_postgres = unit.session.get_bind().dialect.name == "postgresql"
    walked = (where.offset + where.limit) * counters.total_count(unit.session) / total
    ordering = _ordering(column, descending=descending)
    statement: Select[int]
    if not matches.is_count_cheap and walked <= total * PROBES_PER_MATCH_READ:
        # PostgreSQL: a LATERAL subquery with a LIMIT is probed once per walked
        # ticket (an EXISTS could be planned as a set of every match).
        hit = lateral(matches.probe(Ticket.number).limit(1), name="hit")
        statement = select(Ticket.number).join(hit, true()).order_by(*ordering)
    elif walked <= total * WALK_ENTRIES_PER_LOOKUP:
        statement = select(Ticket.number).where(
            _among(matches.numbers, is_postgres=is_postgres)).order_by(*ordering)
    else:
        statement = _lookup_statement(matches, column, descending=descending)
    numbers = list(unit.session.scalars(statement.limit(where.limit).offset(where.offset)))
    return numbers[::-1] if where.is_reversed else numbers


def _ordering(column: InstrumentedAttribute[datetime], *, descending: bool) \
        -> tuple[UnaryExpression[Any], UnaryExpression[Any]]:
    if descending:
        return column.desc(), Ticket.number.desc()
    return column.asc(), Ticket.number.asc()


def _lookup_statement(matches: Matches, column: InstrumentedAttribute[datetime], *,
                      descending: bool) -> Select[int]:
    """Every match with its ticket's ``column``, looked up by number, then sorted."""
    matched = matches.numbers.subquery("matched")
    at = select(column).where(Ticket.number == matched.c.number).scalar_subquery()
    ordering = (at.desc(), matched.c.number.desc()) if descending \
        else (at.asc(), matched.c.number.asc())
    return select(matched.c.number).order_by(*ordering)


# -- the page's tickets -------------------------------------------------------------------


def _read_rows(unit: TenantUnit, numbers: Sequence[int], *, with_description: bool) \
        -> list[ListedTicket]:
    """The tickets ``numbers`` with contact email, contact name and company, in that order."""
    if not numbers:
        return []
    statement = (
        select(Ticket, Contact.primary_email, Contact.name, Company.name)
        .join(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .where(Ticket.number.in_(numbers))
    )
    if not with_description:
        statement = statement.options(defer(Ticket.description_html),
                                      defer(Ticket.description_text))
    position = {number: index for index, number in enumerate(numbers)}
    rows: list[Row[Ticket, str, str, str | None]] = list(unit.session.execute(statement))
    rows.sort(key=lambda row: position[row[0].number])
    return [(row[0], row[1], row[2], row[3]) for row in rows]
