"""Keeping the search index in step with tickets, in the writer's transaction.

Every service that changes what a ticket's document shows (its subject,
number, description, conversations, attachment names, custom fields,
contact or company) calls one of these before it commits, on the same
session: the index row commits with the change or rolls back with it.
The index is raw SQL over a table outside the ORM, so the tenant is passed
explicitly on every statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, TextClause, select, text
from sqlalchemy.orm import Session

from supportdesk.attachments.models import Attachment
from supportdesk.catalog.snapshot import FieldDef
from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.search.documents import TicketSource, build_document, tokens, word_fields
from supportdesk.search.models import NUMBER_BITS, SEARCH_TABLE, SECTIONS
from supportdesk.tickets.models import Conversation, Ticket, TicketFields
from supportdesk.unit import TenantUnit

CHUNK = 500
# Ticket update fields that change what the ticket's document shows.
SEARCHED_CHANGES = frozenset({"subject", "description", "custom_fields", "contact_email"})
# PostgreSQL's text search configuration for every document and query, made
# by migration 0015: English (Snowball) stems of every word, stop words kept,
# after unaccent folds accents, so PostgreSQL finds what SQLite's FTS5
# tokenizer (porter, unicode61 with diacritics removed) finds.
TEXT_CONFIG = "supportdesk_search"

# The statements are built from the constant section names; values are bound.
_COLUMNS = ", ".join(SECTIONS)
_SQLITE_INSERT = text(
    f"INSERT INTO {SEARCH_TABLE} (rowid, {_COLUMNS}) "  # noqa: S608 - constant names
    f"VALUES (:rowid, {', '.join(':' + s for s in SECTIONS)})"
)
_SQLITE_DELETE = text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :rowid")  # noqa: S608


def _postgres_upsert(text_config: str) -> TextClause:
    """The upsert of documents whose words ``text_config`` reads (a constant name)."""
    return text(
        f"INSERT INTO {SEARCH_TABLE} (tenant_id, ticket_number, {_COLUMNS}) "  # noqa: S608
        f"VALUES (:tenant_id, :ticket_number, "
        + ", ".join(f"to_tsvector('{text_config}', :{s})" for s in SECTIONS)
        + ") ON CONFLICT (tenant_id, ticket_number) DO UPDATE SET "
        + ", ".join(f"{s} = EXCLUDED.{s}" for s in SECTIONS)
    )


_POSTGRES_UPSERT = _postgres_upsert(TEXT_CONFIG)
_POSTGRES_DELETE = text(
    f"DELETE FROM {SEARCH_TABLE} "  # noqa: S608 - constant name
    "WHERE tenant_id = :tenant_id AND ticket_number = :ticket_number"
)


def words_only(text: str) -> str:
    """``text`` as space-separated words, for PostgreSQL.

    PostgreSQL's parser keeps ``john@acme.com``, ``acme.com``,
    ``report-v2.pdf`` or ``/var/log`` whole, where SQLite's tokenizer splits
    them into words; splitting first (index and query alike) makes
    ``acme`` find them on both databases.
    """
    return " ".join(tokens(text))


def rowid(tenant_id: int, number: int) -> int:
    """The FTS5 rowid of a tenant's ticket (SQLite)."""
    return (tenant_id << NUMBER_BITS) | number


def _dialect(executor: Session | Connection) -> str:
    if isinstance(executor, Session):
        return executor.get_bind().dialect.name
    return executor.dialect.name


def write_documents(session: Session | Connection, tenant_id: int,
                    documents: Sequence[tuple[int, dict[str, str]]], *,
                    replace: bool = True, text_config: str = TEXT_CONFIG) -> None:
    """Store ``(ticket number, sections)`` documents, replacing older ones.

    ``replace=False`` skips the delete on SQLite, for tickets known to be new.
    ``session`` may be a plain connection (a migration's backfill, which
    may name the PostgreSQL ``text_config`` of its revision).
    """
    if not documents:
        return
    if _dialect(session) == "postgresql":
        upsert = _POSTGRES_UPSERT if text_config == TEXT_CONFIG \
            else _postgres_upsert(text_config)
        session.execute(upsert, [
            {"tenant_id": tenant_id, "ticket_number": number,
             **{name: words_only(value) for name, value in sections.items()}}
            for number, sections in documents
        ])
        return
    if replace:
        session.execute(_SQLITE_DELETE, [{"rowid": rowid(tenant_id, number)}
                                         for number, _ in documents])
    session.execute(_SQLITE_INSERT, [{"rowid": rowid(tenant_id, number), **sections}
                                     for number, sections in documents])


def remove_tickets(session: Session, tenant_id: int, numbers: Iterable[int]) -> None:
    """Drop the documents of tickets that no longer exist."""
    wanted = list(numbers)
    if not wanted:
        return
    if _dialect(session) == "postgresql":
        session.execute(_POSTGRES_DELETE, [{"tenant_id": tenant_id, "ticket_number": n}
                                           for n in wanted])
    else:
        session.execute(_SQLITE_DELETE, [{"rowid": rowid(tenant_id, n)} for n in wanted])


def _sources(session: Session, numbers: list[int]) -> list[TicketSource]:
    """Read what the documents of ``numbers`` show: three queries, however many."""
    conversations: dict[int, list[str]] = {}
    for number, body in session.execute(
        select(Conversation.ticket_number, Conversation.body_text)
        .where(Conversation.ticket_number.in_(numbers))
        .order_by(Conversation.ticket_number, Conversation.position)
    ):
        conversations.setdefault(number, []).append(body)
    attachments: dict[int, list[str]] = {}
    for number, name in session.execute(
        select(Attachment.ticket_number, Attachment.file_name)
        .where(Attachment.ticket_number.in_(numbers))
        .order_by(Attachment.ticket_number, Attachment.id)
    ):
        attachments.setdefault(number, []).append(name)
    rows = session.execute(
        select(Ticket.number, Ticket.subject, Ticket.description_text, Ticket.custom_fields,
               Contact.name, Contact.primary_email, Company.name)
        .join(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .where(Ticket.number.in_(numbers))
    )
    return [
        TicketSource(number=number, subject=subject, description_text=description,
                     custom_fields=custom or {}, contact_name=contact_name,
                     contact_email=contact_email, company_name=company_name,
                     conversation_texts=conversations.get(number, ()),
                     attachment_names=attachments.get(number, ()))
        for number, subject, description, custom, contact_name, contact_email, company_name
        in rows
    ]


def reindex_tickets(session: Session, tenant_id: int, numbers: Iterable[int],
                    fields: Sequence[FieldDef]) -> None:
    """Rebuild the documents of ``numbers`` from the tickets as they now are.

    ``session`` must be scoped to ``tenant_id``; ``fields`` are the tenant's
    custom field definitions.
    """
    wanted = sorted(set(numbers))
    searched = word_fields(fields)
    session.flush()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        sources = _sources(session, chunk)
        write_documents(session, tenant_id,
                        [(s.number, build_document(s, searched)) for s in sources])
        remove_tickets(session, tenant_id, set(chunk) - {s.number for s in sources})


def index_ticket(unit: TenantUnit, number: int) -> None:
    """Bring ticket ``number``'s document up to date in the unit's transaction."""
    reindex_tickets(unit.session, unit.tenant_id, [number], unit.catalog.custom_fields)


def index_new_ticket(unit: TenantUnit, ticket: TicketFields, *, contact_name: str,
                     contact_email: str, company_name: str | None,
                     attachment_names: Sequence[str] = ()) -> None:
    """Index a ticket created in the unit's transaction from what its creator holds.

    A new ticket has no conversations and no older document (numbers are
    never reused), so nothing is read and nothing deleted: one insert, the
    same document ``index_ticket`` would build.
    """
    source = TicketSource(
        number=ticket.number, subject=ticket.subject,
        description_text=ticket.description_text, custom_fields=ticket.custom_fields,
        contact_name=contact_name, contact_email=contact_email, company_name=company_name,
        attachment_names=attachment_names,
    )
    document = build_document(source, word_fields(unit.catalog.custom_fields))
    write_documents(unit.session, unit.tenant_id, [(ticket.number, document)], replace=False)


def reindex_contact_tickets(unit: TenantUnit, contact_id: int) -> None:
    """Rebuild the documents of a contact's tickets (after a rename)."""
    numbers = unit.session.scalars(select(Ticket.number).where(Ticket.contact_id == contact_id))
    reindex_tickets(unit.session, unit.tenant_id, list(numbers), unit.catalog.custom_fields)


def reindex_company_tickets(unit: TenantUnit, company_id: int) -> None:
    """Rebuild the documents of a company's tickets (after a rename)."""
    numbers = unit.session.scalars(select(Ticket.number).where(Ticket.company_id == company_id))
    reindex_tickets(unit.session, unit.tenant_id, list(numbers), unit.catalog.custom_fields)


def index_seeded_tickets(session: Session, tenant_id: int, *,
                         ticket_rows: Sequence[Mapping[str, Any]],
                         conversation_rows: Sequence[Mapping[str, Any]],
                         contacts: Mapping[int, tuple[str, str]],
                         companies: Mapping[int, str],
                         fields: Sequence[FieldDef]) -> None:
    """Index a batch of bulk-inserted tickets straight from the rows inserted.

    ``contacts`` maps contact id -> (name, email); ``companies`` id -> name.
    No reads: the bulk seeder already holds everything a document shows.
    """
    conversations: dict[int, list[str]] = {}
    for row in conversation_rows:
        conversations.setdefault(row["ticket_number"], []).append(row["body_text"])
    searched = word_fields(fields)
    documents = []
    for row in ticket_rows:
        name, email = contacts.get(row["contact_id"], (None, None))
        company = row.get("company_id")
        source = TicketSource(
            number=row["number"], subject=row["subject"],
            description_text=row.get("description_text"),
            custom_fields=row.get("custom_fields") or {}, contact_name=name,
            contact_email=email,
            company_name=companies.get(company) if company is not None else None,
            conversation_texts=conversations.get(row["number"], ()),
        )
        documents.append((source.number, build_document(source, searched)))
    write_documents(session, tenant_id, documents, replace=False)
