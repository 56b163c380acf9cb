"""The custom field value index: ``ticket_field_values`` and ``ticket_field_counts``.

A ticket's custom fields live in its ``custom_fields`` JSON, which no index
can serve; the list's ``custom_fields`` filter seeks on these rows instead,
and its count for one key sums the kept counts. Every path that writes a
ticket's custom fields keeps both tables in the same transaction, through
this module:

- the ticket service calls ``ticket_written`` with the ticket's values
  before and after, just before it commits;
- bulk inserts (the seeder) write each ticket's ``value_texts`` rows with
  the ticket and call ``rows_added`` with them;
- migration 0014 backfilled the tickets that existed before it.

Counts change by upserts of ``count + delta`` in sorted order, as
``tickets/counters.py`` keeps ``ticket_counts``: concurrent writers never
lose an update and cannot deadlock on them.

Field definitions need nothing: a field with values cannot be deleted or
change its type, and a choice in use cannot be removed or renamed (409,
``customfields/definitions.py``); the rows of a field or ticket that does
go are dropped by the foreign keys' ``ON DELETE CASCADE``.

What is indexed, per field type, as text (the same for a stored value and
for a filter's value, so that a filter compares like with like):

- dropdown: the choice as stored (canonical spelling); multi-select: one row
  per chosen choice;
- text: the text, exactly; date: ``YYYY-MM-DD``;
- number: the integer in decimal; decimal: Python's ``repr`` of the float
  (``7.5``, ``1e+16``); checkbox: ``true`` or ``false``.

Paragraphs (up to 65,535 characters) are not indexed: a filter on one still
compares the JSON value, reading the tenant's tickets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import bindparam, distinct, func, insert, select, text
from sqlalchemy.orm import Session

from supportdesk.catalog.snapshot import Catalog, FieldDef
from supportdesk.customfields.service import coerce_value
from supportdesk.db.base import table_of
from supportdesk.db.scoping import current_tenant, run_scoped, tenant_criterion
from supportdesk.errors import BadRequest
from supportdesk.tickets.models import TicketFieldCount, TicketFieldValue

INDEXED_TYPES = frozenset({"text", "number", "decimal", "date", "checkbox", "dropdown",
                           "multi-select"})
CHOICE_TYPES = frozenset({"dropdown", "multi-select"})
# The value column's width: text values and choices are at most 255 characters.
MAX_VALUE_CHARS = 255

# The ``ticket_field_counts`` value that counts the tickets with any value in a field.
ANY_VALUE = ""

# (field id, indexed text) of one ticket.
Entry = tuple[int, str]

_TABLE = table_of(TicketFieldValue)
_COUNTS = table_of(TicketFieldCount)
_INSERT = insert(_TABLE)
_DELETE = text(
    "DELETE FROM ticket_field_values WHERE tenant_id = :tenant_id AND field_id = :field_id "
    "AND value = :value AND ticket_number = :ticket_number"
)
_UPSERT = text(
    "INSERT INTO ticket_field_counts (tenant_id, field_id, value, count) "
    "VALUES (:tenant_id, :field_id, :value, :delta) "
    "ON CONFLICT (tenant_id, field_id, value) DO UPDATE "
    "SET count = ticket_field_counts.count + :delta"
)
_READ_COUNTS = (
    select(_COUNTS.c.value, _COUNTS.c.count)
    .where(tenant_criterion(_COUNTS), _COUNTS.c.field_id == bindparam("field_id"),
           _COUNTS.c.value.in_(bindparam("values", expanding=True)))
)


def is_indexed(field: FieldDef) -> bool:
    """Whether filters on ``field`` seek on ``ticket_field_values``."""
    return field.field_type in INDEXED_TYPES


def value_texts(field_type: str, value: Any) -> list[str]:
    """The indexed texts of one stored value of a field of ``field_type`` (none if unset)."""
    if field_type not in INDEXED_TYPES or value is None:
        return []
    items = value if isinstance(value, list) and field_type == "multi-select" else [value]
    texts: list[str] = []
    for item in items:
        found = _text(field_type, item)
        if found is not None and len(found) <= MAX_VALUE_CHARS and found not in texts:
            texts.append(found)
    return texts


def _text(field_type: str, item: Any) -> str | None:
    """One value as indexed; None for a value of a shape the type never stores."""
    if field_type == "checkbox":
        return ("true" if item else "false") if isinstance(item, bool) else None
    if isinstance(item, bool):
        return None
    if field_type == "number":
        if isinstance(item, float) and item.is_integer():
            return str(int(item))
        return str(item) if isinstance(item, int) else None
    if field_type == "decimal":
        return repr(float(item)) if isinstance(item, int | float) else None
    return item if isinstance(item, str) and item else None


def filter_texts(field: FieldDef, values: Iterable[str]) -> list[str]:
    """The indexed texts that a filter's ``values`` (not ``--``) of ``field`` match.

    Choices are matched case-insensitively and stand for their canonical
    spelling; text is compared exactly; numbers, decimals, dates and
    checkboxes are read as a ticket's value would be (``"7.50"`` finds 7.5,
    ``"1"`` a ticked checkbox). A value the field could never hold matches
    nothing.
    """
    wanted: set[str] = set()
    kind = field.field_type
    choices = {choice.casefold(): choice for choice in field.choices}
    for value in values:
        if kind in CHOICE_TYPES:
            # An unknown name matches nothing: stored choices are always current ones.
            found = [choices[value.casefold()]] if value.casefold() in choices else []
        elif kind == "text":
            found = [value] if value else []
        else:
            raw = value.strip().casefold() if kind == "checkbox" else value
            try:
                found = value_texts(kind, coerce_value(field, raw))
            except BadRequest:
                found = []
        wanted.update(text for text in found if len(text) <= MAX_VALUE_CHARS)
    return sorted(wanted)


def entries(fields_by_id: Mapping[int, FieldDef], custom: Mapping[str, Any]) -> set[Entry]:
    """The (field id, text) entries of a ticket's ``custom_fields``."""
    found: set[Entry] = set()
    for key, value in custom.items():
        field = fields_by_id.get(int(key)) if key.isdigit() else None
        if field is not None:
            found.update((field.id, text) for text in value_texts(field.field_type, value))
    return found


def ticket_written(session: Session, catalog: Catalog, number: int,
                   before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Bring ticket ``number``'s rows and the counts from its ``before`` custom fields to ``after``.

    ``before`` is empty for a new ticket. Writes nothing when the indexed
    values did not change.
    """
    old = entries(catalog.field_by_id, before) if before else set()
    new = entries(catalog.field_by_id, after)
    if old == new:
        return
    tenant_id = current_tenant(session)
    removed = sorted(old - new)
    if removed:
        session.connection().execute(_DELETE, [
            {"tenant_id": tenant_id, "field_id": field_id, "value": value,
             "ticket_number": number}
            for field_id, value in removed
        ])
    added = sorted(new - old)
    if added:
        session.connection().execute(_INSERT, [
            {"tenant_id": tenant_id, "field_id": field_id, "value": value,
             "ticket_number": number}
            for field_id, value in added
        ])
    deltas: Counter[Entry] = Counter(added)
    deltas.subtract(removed)
    deltas.update((field_id, ANY_VALUE) for field_id in {f for f, _v in new})
    deltas.subtract((field_id, ANY_VALUE) for field_id in {f for f, _v in old})
    _apply(session, tenant_id, deltas)


def rows_added(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """Count bulk-inserted ``ticket_field_values`` rows (tenant, field, value, number).

    For the seeder: call it in the transaction that inserted the rows, each
    ticket's rows all in the one call.
    """
    deltas: Counter[Entry] = Counter((row[1], row[2]) for row in rows)
    deltas.update((field_id, ANY_VALUE) for field_id, _number in {(row[1], row[3])
                                                                  for row in rows})
    _apply(session, current_tenant(session), deltas)


def value_counts(session: Session, field_id: int, texts: Iterable[str]) -> dict[str, int]:
    """The kept counts of ``texts`` of a field (``ANY_VALUE``: tickets with a value)."""
    wanted = sorted(set(texts))
    if not wanted:
        return {}
    found = run_scoped(session, _READ_COUNTS, {"field_id": field_id, "values": wanted})
    counts = dict.fromkeys(wanted, 0)
    counts.update(cast(list[tuple[str, int]], found.all()))
    return counts


def tickets_with(session: Session, field_id: int, texts: Iterable[str]) -> int:
    """How many tickets hold any of ``texts`` of a field, counted on the value index."""
    statement = (
        select(func.count(distinct(_TABLE.c.ticket_number)))
        .where(tenant_criterion(_TABLE), _TABLE.c.field_id == field_id,
               _TABLE.c.value.in_(sorted(set(texts))))
    )
    return int(run_scoped(session, statement).scalar_one())


def _apply(session: Session, tenant_id: int, deltas: Mapping[Entry, int]) -> None:
    changes = [
        {"tenant_id": tenant_id, "field_id": field_id, "value": value, "delta": delta}
        for (field_id, value), delta in sorted(deltas.items()) if delta
    ]
    if changes:
        session.connection().execute(_UPSERT, changes)
