"""CSV exports of a tenant's tickets, contacts and companies.

An export is prepared eagerly and read lazily. ``export_*`` checks the
request (a bad filter is a 400 before any byte is sent), starts one read
snapshot and fixes the header; the rows are then read batch by batch while
the file is streamed, each batch one keyset query (``WHERE number > :last
ORDER BY number LIMIT :batch``) on the primary key. Memory stays constant
whatever the number of rows, and a batch costs the same at row 10 and at row
10 million (no ``OFFSET``).

Rows come in primary-key order: tickets by number, contacts and companies by
id (the order they were created in).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import InstrumentedAttribute, Session, defer

from supportdesk.api.v3.wire import parse_wire_time
from supportdesk.companies.models import Company, CompanyDomain
from supportdesk.companies.schemas import CompanyRead
from supportdesk.contacts.models import Contact, ContactEmail
from supportdesk.contacts.schemas import ContactRead
from supportdesk.errors import BadRequest
from supportdesk.exports.columns import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    company_row,
    contact_row,
    ticket_header,
    ticket_row,
)
from supportdesk.exports.csvfile import Cell, csv_chunks
from supportdesk.tickets.filters import TicketFilter, filter_clauses, parse_filters
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

Batch = list[list[Cell]]


@dataclass(frozen=True)
class TicketExportQuery:
    """Which tickets to export: the ticket list's ``filters`` and ``updated_since``."""

    filters: TicketFilter = field(default_factory=TicketFilter)
    updated_since: datetime | None = None


@dataclass(frozen=True)
class Export:
    """A CSV export ready to stream: its kind, header and lazily read batches of rows.

    The batches read from the unit's session: stream them before the unit closes.
    """

    kind: str
    header: list[str]
    batches: Iterator[Batch]

    def chunks(self, *, bom: bool = False) -> Iterator[bytes]:
        """The CSV file as bytes, one chunk per batch (see ``exports.csvfile``)."""
        return csv_chunks(self.header, self.batches, bom=bom)

    def file_name(self, subdomain: str, day: date) -> str:
        """``<kind>-<subdomain>-<YYYY-MM-DD>.csv``."""
        return f"{self.kind}-{subdomain}-{day.isoformat()}.csv"


def ticket_export_query(filters: str | None, updated_since: str | None) -> TicketExportQuery:
    """Parse the two texts as the ticket list does; malformed input is a 400 saying why."""
    since = None
    if updated_since is not None and updated_since.strip():
        since = parse_wire_time(updated_since)
        if since is None:
            raise BadRequest(f"updated_since must be a time as 'YYYY-MM-DD HH:MM:SS', got "
                             f"{updated_since!r}")
    return TicketExportQuery(filters=parse_filters(filters), updated_since=since)


def start_snapshot(session: Session) -> Connection:
    """Make every later read of this (read-only) session see one point in time.

    PostgreSQL: a ``REPEATABLE READ READ ONLY`` transaction, so tickets changed
    while a long export streams appear as they were when it began. SQLite: the
    reader's deferred ``BEGIN`` in WAL mode already reads one snapshot from
    its first read to the end of the transaction. Returns the transaction's
    connection, which every batch checks it still reads through.
    """
    if session.get_bind().dialect.name != "postgresql":
        return session.connection()
    if session.in_transaction():
        # Nothing to keep: a read unit never writes, and the isolation level
        # can only be chosen before a transaction's first statement.
        session.rollback()
    return session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                                 "postgresql_readonly": True})


def _same_snapshot(session: Session, connection: Connection) -> None:
    """Refuse to read a batch outside the export's transaction.

    A session closed early (say, a unit released before the response
    finished streaming) would silently begin a new transaction: half the
    file from one point in time, half from another.
    """
    if not session.in_transaction() or session.connection() is not connection:
        raise RuntimeError("the export's read transaction ended before the export did")


def _batch_size(unit: TenantUnit, batch_size: int | None) -> int:
    return batch_size if batch_size is not None else unit.settings.export_batch_size


def export_tickets(unit: TenantUnit, query: TicketExportQuery, *,
                   batch_size: int | None = None) -> Export:
    """The tenant's tickets matching ``query`` (as the ticket list filters them), by number.

    A filter naming an unknown custom field is a 400 here, before streaming.
    """
    snapshot = start_snapshot(unit.session)
    catalog = unit.catalog
    conditions = filter_clauses(query.filters, catalog, unit.session)
    if query.updated_since is not None:
        conditions.append(Ticket.updated_at >= query.updated_since)
    header = ticket_header(catalog)
    size = _batch_size(unit, batch_size)

    def batches() -> Iterator[Batch]:
        last = 0
        while True:
            _same_snapshot(unit.session, snapshot)
            rows = unit.session.execute(
                select(Ticket, Contact.primary_email, Contact.name, Company.name)
                .join(Contact, Contact.id == Ticket.contact_id)
                .outerjoin(Company, Company.id == Ticket.company_id)
                .where(*conditions, Ticket.number > last)
                .order_by(Ticket.number)
                .limit(size)
                .options(defer(Ticket.description_html))
            ).all()
            if not rows:
                return
            yield [ticket_row(ticket, catalog, header, contact_email=email,
                              contact_name=name, company_name=company)
                   for ticket, email, name, company in rows]
            if len(rows) < size:
                return
            last = rows[-1][0].number

    return Export(kind="tickets", header=header, batches=batches())


def export_contacts(unit: TenantUnit, *, batch_size: int | None = None) -> Export:
    """Every contact of the tenant (deleted ones too, ``is_deleted`` 1), by id."""
    snapshot = start_snapshot(unit.session)
    size = _batch_size(unit, batch_size)

    def batches() -> Iterator[Batch]:
        last = 0
        while True:
            _same_snapshot(unit.session, snapshot)
            rows = unit.session.execute(
                select(Contact, Company.name)
                .outerjoin(Company, Company.id == Contact.company_id)
                .where(Contact.id > last)
                .order_by(Contact.id)
                .limit(size)
            ).all()
            if not rows:
                return
            emails = _grouped(unit.session, ContactEmail.contact_id, ContactEmail.email,
                              ContactEmail.position, [contact.id for contact, _ in rows])
            yield [contact_row(ContactRead(
                name=contact.name, primary_email=contact.primary_email,
                secondary_emails=emails.get(contact.id, []), title=contact.title,
                mobile=contact.mobile, phone=contact.phone, company_name=company_name,
                is_deleted=contact.is_deleted, created_at=contact.created_at,
                updated_at=contact.updated_at)) for contact, company_name in rows]
            if len(rows) < size:
                return
            last = rows[-1][0].id

    return Export(kind="contacts", header=list(CONTACT_FIELDS), batches=batches())


def export_companies(unit: TenantUnit, *, batch_size: int | None = None) -> Export:
    """Every company of the tenant, by id; ``sla`` names the policy or the default."""
    snapshot = start_snapshot(unit.session)
    catalog = unit.catalog
    size = _batch_size(unit, batch_size)

    def batches() -> Iterator[Batch]:
        last = 0
        while True:
            _same_snapshot(unit.session, snapshot)
            companies = list(unit.session.scalars(
                select(Company).where(Company.id > last).order_by(Company.id).limit(size)
            ))
            if not companies:
                return
            domains = _grouped(unit.session, CompanyDomain.company_id, CompanyDomain.domain,
                               CompanyDomain.position, [company.id for company in companies])
            batch: Batch = []
            for company in companies:
                policy = (catalog.sla_by_id.get(company.sla_policy_id)
                          if company.sla_policy_id is not None else None)
                batch.append(company_row(CompanyRead(
                    name=company.name, description=company.description, phone=company.phone,
                    address=company.address, city=company.city, state=company.state,
                    country=company.country, zipcode=company.zipcode,
                    sla_policy=policy.name if policy is not None else None,
                    domains=domains.get(company.id, []), created_at=company.created_at,
                    updated_at=company.updated_at)))
            yield batch
            if len(companies) < size:
                return
            last = companies[-1].id

    return Export(kind="companies", header=list(COMPANY_FIELDS), batches=batches())


def _grouped(session: Session, owner: InstrumentedAttribute[int],
             value: InstrumentedAttribute[str], position: InstrumentedAttribute[int],
             owner_ids: Sequence[int]) -> dict[int, list[str]]:
    """The secondary emails or domains of one batch of owners, in one query."""
    grouped: dict[int, list[str]] = {}
    for owner_id, item in session.execute(
        select(owner, value).where(owner.in_(owner_ids)).order_by(owner, position, value)
    ):
        grouped.setdefault(owner_id, []).append(item)
    return grouped
