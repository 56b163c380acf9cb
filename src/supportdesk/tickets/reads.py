"""Prebuilt Core reads of tickets with their contact's and company's names.

The list and details calls are the API's hottest reads, so they skip the
ORM: each statement is built once (or from constant parts), scoped with
``db.scoping.tenant_criterion`` on every table, run through ``run_scoped``,
and its rows (attribute names as ``Ticket``'s, see ``TicketFields``) go
straight to the wire adapter. An ORM read of the same costs several times
the query (docs/benchmarks.md, Request path).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Column, ColumnElement, Result, Select, bindparam, select

from supportdesk.attachments.models import Attachment
from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.db.base import table_of
from supportdesk.db.scoping import run_scoped, tenant_criterion
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

TICKETS = table_of(Ticket)
_CONTACTS = table_of(Contact)
_COMPANIES = table_of(Company)
_ATTACHMENTS = table_of(Attachment)

# Columns a list item shows only when the call asks for them.
DESCRIPTION = (TICKETS.c.description_html, TICKETS.c.description_text)
CUSTOM_FIELDS = TICKETS.c.custom_fields
# Every other column of a ticket (the tenant aside): what every representation shows.
SHOWN: tuple[Column[Any], ...] = tuple(
    column for column in TICKETS.c
    if column.key not in {"tenant_id", "custom_fields", "description_html",
                          "description_text"})
PEOPLE = (
    _CONTACTS.c.primary_email.label("contact_email"),
    _CONTACTS.c.name.label("contact_name"),
    _COMPANIES.c.name.label("company_name"),
)
WITH_PEOPLE = TICKETS.join(
    _CONTACTS, (_CONTACTS.c.id == TICKETS.c.contact_id) & tenant_criterion(_CONTACTS)
).outerjoin(
    _COMPANIES, (_COMPANIES.c.id == TICKETS.c.company_id) & tenant_criterion(_COMPANIES)
)

_ONE_TICKET = (
    select(*SHOWN, *DESCRIPTION, CUSTOM_FIELDS, *PEOPLE)
    .select_from(WITH_PEOPLE)
    .where(tenant_criterion(TICKETS), TICKETS.c.number == bindparam("number"))
)
_DESCRIPTION_FILES = (
    select(_ATTACHMENTS)
    .where(tenant_criterion(_ATTACHMENTS), _ATTACHMENTS.c.ticket_number == bindparam("number"),
           _ATTACHMENTS.c.conversation_position.is_(None))
    .order_by(_ATTACHMENTS.c.id)
)


def tickets_with_people(columns: list[ColumnElement[Any]],
                        conditions: list[ColumnElement[bool]]) -> Select[Any]:
    """``columns`` of the tickets matching ``conditions``, with ``PEOPLE``, tenant-scoped."""
    return (select(*columns, *PEOPLE).select_from(WITH_PEOPLE)
            .where(tenant_criterion(TICKETS), *conditions))


@lru_cache(maxsize=64)
def _record_type(fields: tuple[str, ...]) -> Any:
    return namedtuple("TicketRecord", fields)


def records(result: Result[Any]) -> list[Any]:
    """``result``'s rows as named tuples with the same attribute names.

    A wire representation reads about 30 attributes of each row. On
    SQLAlchemy's ``Row`` each is a key lookup in its result metadata (about
    0.4 microseconds); on a named tuple it is an item read, and converting
    costs one tuple copy: a page of 100 tickets serializes about a
    millisecond sooner (docs/benchmarks.md, Request path).
    """
    make = _record_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


def one_ticket(unit: TenantUnit, number: int) -> Any | None:
    """Ticket ``number`` with every column and ``PEOPLE`` (a record), or None."""
    found: Sequence[Any] = records(run_scoped(unit.session, _ONE_TICKET, {"number": number}))
    return found[0] if found else None


def description_files(unit: TenantUnit, number: int) -> list[Attachment]:
    """The files attached to ticket ``number``'s description, oldest first (rows)."""
    rows = run_scoped(unit.session, _DESCRIPTION_FILES, {"number": number}).all()
    return cast(list[Attachment], rows)
