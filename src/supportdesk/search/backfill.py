"""Indexing every existing ticket from the tables: what the migrations run.

Migration ``0007`` filled the new index with it; a migration that changes
what a document holds, or how PostgreSQL reads its words, rebuilds every
document with it. It reads with raw SQL only columns that exist since
``0007``, a chunk of one tenant's tickets at a time (keyset on the ticket
number), so its memory does not grow with the number of tickets. The
connection is the migration's, bound to no tenant: row-level security lets
it read and write every tenant's rows.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from supportdesk.catalog.snapshot import FieldDef
from supportdesk.search.documents import (
    TEXT_FIELD_TYPES,
    TicketSource,
    build_document,
    word_fields,
)
from supportdesk.search.index import TEXT_CONFIG, write_documents

BACKFILL_CHUNK = 1000

_TENANTS = sa.text("SELECT id FROM tenants ORDER BY id")
_FIELDS = sa.text("SELECT id, label, field_type FROM custom_fields WHERE tenant_id = :t")
_TICKETS = sa.text(
    "SELECT t.number, t.subject, t.description_text, t.custom_fields, c.name, "
    "c.primary_email, co.name FROM tickets t "
    "JOIN contacts c ON c.tenant_id = t.tenant_id AND c.id = t.contact_id "
    "LEFT JOIN companies co ON co.tenant_id = t.tenant_id AND co.id = t.company_id "
    "WHERE t.tenant_id = :t AND t.number > :after ORDER BY t.number LIMIT :limit")
_CONVERSATIONS = sa.text(
    "SELECT ticket_number, body_text FROM conversations "
    "WHERE tenant_id = :t AND ticket_number BETWEEN :low AND :high "
    "ORDER BY ticket_number, position")
_ATTACHMENTS = sa.text(
    "SELECT ticket_number, file_name FROM attachments "
    "WHERE tenant_id = :t AND ticket_number BETWEEN :low AND :high "
    "ORDER BY ticket_number, id")


def _decoded(custom: Any) -> dict[str, Any]:
    value = json.loads(custom) if isinstance(custom, str) else custom
    return value if isinstance(value, dict) else {}


def _texts_by_ticket(connection: sa.Connection, statement: sa.TextClause,
                     window: dict[str, int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    for number, value in connection.execute(statement, window):
        texts.setdefault(number, []).append(value)
    return texts


def index_every_ticket(connection: sa.Connection, *, text_config: str = TEXT_CONFIG,
                       custom_types: frozenset[str] = TEXT_FIELD_TYPES) -> None:
    """Write the document of every ticket of every tenant, as new documents.

    The index must hold none of them yet (on SQLite a second document for a
    ticket would be a second row). ``text_config`` is the PostgreSQL text
    search configuration to read the words with, ``custom_types`` the custom
    field types of the ``custom`` section (``documents.build_document``): a
    migration passes the ones of its revision, which need not be today's.
    """
    for (tenant_id,) in connection.execute(_TENANTS).all():
        fields = word_fields(
            FieldDef(id=field_id, label=label, field_type=field_type, choices=())
            for field_id, label, field_type in connection.execute(_FIELDS, {"t": tenant_id})
        )
        after = 0
        while True:
            tickets = connection.execute(_TICKETS, {"t": tenant_id, "after": after,
                                                    "limit": BACKFILL_CHUNK}).all()
            if not tickets:
                break
            window = {"t": tenant_id, "low": tickets[0][0], "high": tickets[-1][0]}
            after = window["high"]
            messages = _texts_by_ticket(connection, _CONVERSATIONS, window)
            files = _texts_by_ticket(connection, _ATTACHMENTS, window)
            documents = []
            for number, subject, description, custom, name, email, company in tickets:
                source = TicketSource(
                    number=number, subject=subject, description_text=description,
                    custom_fields=_decoded(custom), contact_name=name, contact_email=email,
                    company_name=company, conversation_texts=messages.get(number, ()),
                    attachment_names=files.get(number, ()),
                )
                documents.append(
                    (number, build_document(source, fields, custom_types=custom_types)))
            write_documents(connection, tenant_id, documents, replace=False,
                            text_config=text_config)
