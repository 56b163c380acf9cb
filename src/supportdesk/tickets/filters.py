"""The ``filters`` parameter of the ticket list: parsing and translation to SQL.

Semantics (Desk365): a JSON object whose values are arrays of strings.
Any value of one key may match (OR); every key given must match (AND).
``"--"`` matches an unset value. Names are compared case-insensitively, as
the rest of the API looks them up; a name the tenant never defined matches
no ticket. An empty array places no constraint (as if the key were omitted).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    exists,
    false,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from supportdesk.catalog.snapshot import Catalog, FieldDef
from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact, ContactEmail
from supportdesk.db.base import table_of
from supportdesk.db.scoping import tenant_criterion
from supportdesk.errors import BadRequest
from supportdesk.tickets import field_values
from supportdesk.tickets.models import Ticket, TicketFieldValue

UNSET = "--"
MAX_FILTER_CHARS = 16_384
MAX_VALUES_PER_KEY = 200
FILTER_KEYS = (
    "status", "priority", "type", "group", "assigned_to", "category", "subcategory", "source",
    "contact", "company_name", "custom_fields",
)
NUMERIC_KEYS = frozenset({"priority", "source"})
# Priority and source are SMALLINT columns: a larger number names no code and
# must match nothing rather than overflow the database parameter.
MAX_CODE = 2**15 - 1


@dataclass(frozen=True)
class TicketFilter:
    """A parsed ``filters`` object: key -> accepted values (strings)."""

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    custom: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.custom


def parse_filters(raw: str | None) -> TicketFilter:
    """Parse the URL-decoded ``filters`` value; malformed input is a 400 saying why."""
    if raw is None or raw.strip() in ("", "{}"):
        return TicketFilter()
    if len(raw) > MAX_FILTER_CHARS:
        raise BadRequest(f"filters is longer than {MAX_FILTER_CHARS} characters")
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"filters is not valid JSON: {error.msg} at position {error.pos}")\
            from None
    if not isinstance(document, dict):
        raise BadRequest("filters must be a JSON object such as {\"status\": [\"Open\"]}")
    terms: dict[str, tuple[str, ...]] = {}
    custom: dict[str, tuple[str, ...]] = {}
    for key, value in document.items():
        if key not in FILTER_KEYS:
            raise BadRequest(
                f"filters: unknown key {key!r}; known keys are {', '.join(FILTER_KEYS)}"
            )
        if key == "custom_fields":
            if not isinstance(value, dict):
                raise BadRequest(
                    'filters: custom_fields must be an object like {"cf_Department": ["Sales"]}'
                )
            for field_key, field_values in value.items():
                values = _values(f"custom_fields.{field_key}", field_values, numeric=False)
                if values:
                    custom[str(field_key)] = values
            continue
        values = _values(key, value, numeric=key in NUMERIC_KEYS)
        if values:
            terms[key] = values
    return TicketFilter(terms=terms, custom=custom)


def _values(key: str, value: Any, *, numeric: bool) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise BadRequest(f"filters: {key} must be an array of strings, e.g. [\"value\"]")
    if len(value) > MAX_VALUES_PER_KEY:
        raise BadRequest(f"filters: {key} has more than {MAX_VALUES_PER_KEY} values")
    values: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise BadRequest(f"filters: every value of {key} must be a string, got {item!r}")
        text = str(item)
        if "\x00" in text:
            raise BadRequest(f"filters: values of {key} must not contain NUL characters")
        if numeric and text != UNSET and not (text.isascii() and text.strip().isdigit()):
            raise BadRequest(f"filters: {key} values must be numbers as strings, got {text!r}")
        values.append(text.strip() if numeric else text)
    return tuple(values)


@dataclass(frozen=True)
class Resolved:
    """One filter key's values as the ids (or codes) they name, and whether unset matches."""

    ids: tuple[int, ...]
    unset: bool

    @property
    def matches_nothing(self) -> bool:
        return not self.ids and not self.unset


# Keys whose values name one column of the ticket; their counts can be kept.
ID_KEYS = ("status", "priority", "type", "group", "assigned_to", "category", "subcategory",
           "source")


def _by_name(items: list[Any]) -> dict[str, list[int]]:
    mapping: dict[str, list[int]] = {}
    for item in items:
        mapping.setdefault(item.name.casefold(), []).append(item.id)
    return mapping


def resolve(key: str, values: tuple[str, ...], catalog: Catalog) -> Resolved:
    """The ids (codes for priority and source) that ``values`` of ``key`` name.

    ``key`` is one of ``ID_KEYS``. A name the tenant never defined names no
    id; ``"--"`` matches unset, except for status, priority and source, which
    every ticket has.
    """
    if key in NUMERIC_KEYS:
        numbers = sorted({n for n in (int(v) for v in values if v != UNSET) if n <= MAX_CODE})
        return Resolved(ids=tuple(numbers), unset=False)
    if key == "assigned_to":
        ids_for = {a.email.casefold(): [a.id] for a in catalog.agents}
    else:
        named: dict[str, list[Any]] = {
            "status": catalog.statuses, "type": catalog.types, "group": catalog.groups,
            "category": catalog.categories, "subcategory": catalog.subcategories,
        }
        ids_for = _by_name(named[key])
    wanted: set[int] = set()
    for value in values:
        if value != UNSET:
            wanted.update(ids_for.get(value.casefold(), []))
    return Resolved(ids=tuple(sorted(wanted)), unset=key != "status" and UNSET in values)


def _match(column: InstrumentedAttribute[Any], resolved: Resolved) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if resolved.ids:
        clauses.append(column.in_(resolved.ids))
    if resolved.unset:
        clauses.append(column.is_(None))
    if not clauses:
        return false()
    return or_(*clauses) if len(clauses) > 1 else clauses[0]


def key_column(key: str) -> InstrumentedAttribute[Any]:
    """The ticket column that filter key ``key`` (one of ``ID_KEYS``) compares."""
    return {
        "status": Ticket.status_id, "priority": Ticket.priority, "type": Ticket.type_id,
        "group": Ticket.group_id, "assigned_to": Ticket.assignee_id,
        "category": Ticket.category_id, "subcategory": Ticket.subcategory_id,
        "source": Ticket.source,
    }[key]


def filter_clauses(flt: TicketFilter, catalog: Catalog, session: Session | None = None, *,
                   as_sets: Collection[str] = ()) -> list[ColumnElement[bool]]:
    """SQL conditions for ``flt``, names resolved through the tenant's catalog.

    Contacts and companies are matched by subqueries (one statement, each
    served by an index), each scoped with ``tenant_criterion`` so that the
    conditions serve Core reads (``run_scoped``) and ORM ones alike; the
    conditions on tickets themselves leave the ticket table's criterion to
    the statement. The ``custom_fields`` keys in ``as_sets`` are matched as
    sets of numbers rather than probed (see ``custom_field_clause``).
    ``session`` is no longer used and kept for callers.
    """
    del session
    clauses: list[ColumnElement[bool]] = []
    for key, values in flt.terms.items():
        if key in ID_KEYS:
            clauses.append(_match(key_column(key), resolve(key, values, catalog)))
        elif key == "contact":
            emails = sorted({v.strip().lower() for v in values if v != UNSET})
            if not emails:
                clauses.append(false())
                continue
            # One IN over a UNION: a single index seek per contact on tickets,
            # where an OR of two IN-subqueries made SQLite scan.
            contacts = union(
                select(Contact.id).where(Contact.primary_email.in_(emails),
                                         tenant_criterion(table_of(Contact))),
                select(ContactEmail.contact_id).where(ContactEmail.email.in_(emails),
                                                      tenant_criterion(table_of(ContactEmail))),
            )
            clauses.append(Ticket.contact_id.in_(contacts))
        elif key == "company_name":
            wanted = sorted({v.casefold() for v in values if v != UNSET})
            options: list[ColumnElement[bool]] = []
            if wanted:
                # name_folded holds str.casefold() of the name: SQLite's lower()
                # leaves non-ASCII letters alone, so folding happens in Python.
                options.append(Ticket.company_id.in_(
                    select(Company.id).where(Company.name_folded.in_(wanted),
                                             tenant_criterion(table_of(Company)))))
            if UNSET in values:
                options.append(Ticket.company_id.is_(None))
            clauses.append(or_(*options) if options else false())
    for field_key, values in flt.custom.items():
        definition = catalog.field_by_key.get(field_key)
        if definition is None:
            raise BadRequest(f"filters: custom_fields has unknown field {field_key!r}")
        clauses.append(custom_field_clause(definition, values,
                                           as_set=field_key in as_sets))
    return clauses or [true()]


_VALUES = table_of(TicketFieldValue)
_TICKETS = table_of(Ticket)


def custom_field_clause(definition: FieldDef, values: tuple[str, ...], *,
                        as_set: bool = False) -> ColumnElement[bool]:
    """The condition for one ``custom_fields`` key: any of ``values``, or unset for ``--``.

    Indexed fields (``tickets/field_values.py``) are matched on
    ``ticket_field_values``: the ticket has a row with one of the wanted
    texts, or no row of the field for ``--``. By default that is an
    ``EXISTS`` probe of the ticket's rows, one for each ticket the other
    conditions or the order index yield (until a page is full). With
    ``as_set`` the ticket's number is looked up among the field's numbers
    (``IN``), read once: for a count over many tickets of a common value
    (at 1,000,000 tickets, SQLite counts 80,000 closed Sales tickets in
    230 ms that way and 680 ms probing). Paragraphs compare the JSON value.
    """
    names = [v for v in values if v != UNSET]
    if not field_values.is_indexed(definition):
        return _json_clause(definition, names, unset=UNSET in values)
    options: list[ColumnElement[bool]] = []
    wanted = field_values.filter_texts(definition, names)
    match = _in_numbers if as_set else _has_row
    if wanted:
        options.append(match(definition.id, _VALUES.c.value.in_(wanted)))
    if UNSET in values:
        options.append(~match(definition.id))
    if not options:
        return false()
    return or_(*options) if len(options) > 1 else options[0]


def candidate_numbers(definition: FieldDef, values: tuple[str, ...]) -> Subquery:
    """The numbers of the tickets holding one of ``values`` (no ``--``) of an indexed field.

    The list starts from these when they are few (``listing.DRIVING_ROWS``).
    A derived table that SQLite materialises, so it reads it first rather
    than walking an order index and probing it: one value's rows (a
    ``DISTINCT`` that changes nothing, as a ticket holds a value once, but
    keeps SQLite from merging the query into the join), or a compound of one
    seek per value. A ``DISTINCT`` over several values would make SQLite read
    the tenant's every row in ticket order instead; a multi-select ticket may
    hold several of them, so its compound is a ``UNION``.
    """
    wanted = field_values.filter_texts(definition, [v for v in values if v != UNSET])

    def seek(*texts: str) -> Select[tuple[int]]:
        return select(_VALUES.c.ticket_number).where(
            tenant_criterion(_VALUES), _VALUES.c.field_id == definition.id,
            _VALUES.c.value.in_(texts))

    if len(wanted) <= 1:
        return seek(*wanted).distinct().subquery("candidates")
    compound = union if definition.field_type == "multi-select" else union_all
    return compound(*(seek(text) for text in wanted)).subquery("candidates")


def _has_row(field_id: int, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The ticket has a row of ``field_id`` (meeting ``conditions``): a probe per ticket.

    The ``OFFSET 0`` keeps PostgreSQL from turning the probe into a join it
    plans itself (it would hash the value's 100,000 rows to check 4,000
    tickets); SQLite probes anyway.
    """
    return exists(
        select(_VALUES.c.ticket_number).where(
            tenant_criterion(_VALUES), _VALUES.c.ticket_number == _TICKETS.c.number,
            _VALUES.c.field_id == field_id, *conditions,
        ).offset(0)
    )


def _in_numbers(field_id: int, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The ticket's number is among those with a row of ``field_id`` (meeting ``conditions``)."""
    return _TICKETS.c.number.in_(
        select(_VALUES.c.ticket_number)
        .where(tenant_criterion(_VALUES), _VALUES.c.field_id == field_id, *conditions))


def _json_clause(definition: FieldDef, names: list[str], *, unset: bool) \
        -> ColumnElement[bool]:
    stored = Ticket.custom_fields[str(definition.id)].as_string()
    options: list[ColumnElement[bool]] = []
    if names:
        options.append(stored.in_(sorted(set(names))))
    if unset:
        options.append(stored.is_(None))
    if not options:
        return false()
    return or_(*options) if len(options) > 1 else options[0]
