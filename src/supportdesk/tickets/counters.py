"""Denormalised ticket counts: the list's ``count`` without counting a million rows.

``ticket_counts`` holds, per tenant, one row per (filter key, value) with the
number of tickets that have it, plus the ``all`` row. Every path that adds
tickets or changes a counted attribute updates the rows in its own
transaction, through this module only:

- the ticket service calls ``ticket_added`` / ``ticket_changed`` just before
  it commits;
- bulk inserts (the seeder) call ``rows_added`` with the rows they inserted,
  in the same transaction, or ``rebuild_counts`` once at the end.

Each change is one upsert per row, ``count = count + delta``, so concurrent
transactions never lose an update (PostgreSQL's row lock serialises them;
SQLite has one writer at a time). Rows are touched in sorted order so two
transactions cannot deadlock on them.

Counts answer no filter and one filter key of ``ID_KEYS`` without
``updated_since``; everything else is counted in SQL (``listing``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session

from supportdesk.db.base import table_of
from supportdesk.db.scoping import current_tenant, run_scoped, tenant_criterion
from supportdesk.tickets.filters import ID_KEYS, Resolved, key_column
from supportdesk.tickets.models import Ticket, TicketCount, TicketFields

TOTAL = "all"
UNSET_VALUE = -1
# Filter key -> the attribute of a ticket (and the key of a bulk-inserted row).
ATTRIBUTES: dict[str, str] = {key: key_column(key).key for key in ID_KEYS}

Point = tuple[str, int]

_UPSERT = text(
    "INSERT INTO ticket_counts (tenant_id, dimension, value, count) "
    "VALUES (:tenant_id, :dimension, :value, :delta) "
    "ON CONFLICT (tenant_id, dimension, value) DO UPDATE "
    "SET count = ticket_counts.count + :delta"
)


def points(values: Mapping[str, Any]) -> list[Point]:
    """The counter rows one ticket adds to: ``all`` and one per counted key.

    ``values`` maps ticket attribute names (``status_id``, ``priority``, ...)
    to their values, as a ticket row or ``snapshot`` has them.
    """
    found: list[Point] = [(TOTAL, 0)]
    for key, attribute in ATTRIBUTES.items():
        value = values.get(attribute)
        found.append((key, UNSET_VALUE if value is None else int(value)))
    return found


def snapshot(ticket: TicketFields) -> dict[str, Any]:
    """The counted attributes of ``ticket`` now (taken before an update changes them)."""
    return {attribute: getattr(ticket, attribute) for attribute in ATTRIBUTES.values()}


def ticket_added(session: Session, ticket: TicketFields) -> None:
    """Count a newly created ticket."""
    _apply(session, Counter(points(snapshot(ticket))))


def ticket_changed(session: Session, before: Mapping[str, Any], ticket: Ticket) -> None:
    """Move a changed ticket from the rows of ``before`` (its ``snapshot``) to its own."""
    deltas: Counter[Point] = Counter(points(snapshot(ticket)))
    deltas.subtract(points(before))
    _apply(session, deltas)


def rows_added(session: Session, rows: Sequence[Sequence[Any]],
               columns: Sequence[str]) -> None:
    """Count tickets that were bulk-inserted as ``rows``, tuples in ``columns`` order.

    For the seeder: call it in the transaction that inserted the rows.
    """
    deltas: Counter[Point] = Counter()
    if rows:
        deltas[(TOTAL, 0)] = len(rows)
    for key, attribute in ATTRIBUTES.items():
        at = columns.index(attribute)
        for value, count in Counter(row[at] for row in rows).items():
            deltas[(key, UNSET_VALUE if value is None else int(value))] += count
    _apply(session, deltas)


def rebuild_counts(session: Session) -> None:
    """Recount the session's tenant from its tickets (after bulk changes, or to repair)."""
    tenant_id = current_tenant(session)
    session.execute(delete(TicketCount))
    rows: list[dict[str, Any]] = []
    total = session.scalar(select(func.count()).select_from(Ticket)) or 0
    if total:
        rows.append({"tenant_id": tenant_id, "dimension": TOTAL, "value": 0, "count": total})
    for key in ID_KEYS:
        column = key_column(key)
        for value, count in session.execute(
            select(column, func.count()).group_by(column).order_by(column)
        ):
            rows.append({"tenant_id": tenant_id, "dimension": key,
                         "value": UNSET_VALUE if value is None else int(value),
                         "count": count})
    if rows:
        session.execute(insert(TicketCount), rows)


def total_count(session: Session) -> int:
    """All of the tenant's tickets."""
    return key_count_and_total(session, TOTAL, Resolved(ids=(0,), unset=False))[0]


def key_count(session: Session, key: str, resolved: Resolved) -> int:
    """The tenant's tickets whose ``key`` (one of ``ID_KEYS``) matches ``resolved``."""
    return key_count_and_total(session, key, resolved)[0]


def key_count_and_total(session: Session, key: str, resolved: Resolved) -> tuple[int, int]:
    """``key_count``, and all of the tenant's tickets, in one statement."""
    wanted = list(resolved.ids) + ([UNSET_VALUE] if resolved.unset else [])
    found = run_scoped(session, _SUM, {"dimension": key, "values": wanted}).one()
    return int(found[0]), int(found[1])


_COUNTS = table_of(TicketCount)
_MATCHING = (_COUNTS.c.dimension == bindparam("dimension")) \
    & _COUNTS.c.value.in_(bindparam("values", expanding=True))
_EVERY = (_COUNTS.c.dimension == TOTAL) & (_COUNTS.c.value == 0)
# Every list call without a filter or with one key sums these: built once.
# The second sum (every ticket) is what the list's page plan is chosen by.
_SUM = (
    select(func.coalesce(func.sum(_COUNTS.c.count).filter(_MATCHING), 0),
           func.coalesce(func.sum(_COUNTS.c.count).filter(_EVERY), 0))
    .where(tenant_criterion(_COUNTS), _MATCHING | _EVERY)
)
# The same total, for a count made in SQL over the tickets.
EVERY_TICKET = (
    select(func.coalesce(func.sum(_COUNTS.c.count), 0))
    .where(tenant_criterion(_COUNTS), _EVERY)
    .scalar_subquery()
)


def _apply(session: Session, deltas: Mapping[Point, int]) -> None:
    tenant_id = current_tenant(session)
    changes = [
        {"tenant_id": tenant_id, "dimension": dimension, "value": value, "delta": delta}
        for (dimension, value), delta in sorted(deltas.items()) if delta
    ]
    if changes:
        # On the connection: a plain statement needs none of the session's ORM handling.
        session.connection().execute(_UPSERT, changes)
