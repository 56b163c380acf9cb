"""ticket search

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 11:00:00

The full-text index of tickets (see supportdesk.search.models): an FTS5
virtual table on SQLite, a table of tsvectors with a GIN index on
PostgreSQL. Neither is in the ORM metadata. Existing tickets are indexed
here; the queries below read only columns that exist at this revision.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from supportdesk.catalog.snapshot import FieldDef
from supportdesk.search.documents import TicketSource, build_document, word_fields
from supportdesk.search.index import write_documents

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SECTIONS = ("number", "subject", "attachments", "custom", "people", "fields", "description",
            "conversations")
BACKFILL_CHUNK = 1000


def _create_sqlite() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE ticket_search USING fts5("
        + ", ".join(SECTIONS)
        + ", tokenize = 'porter unicode61 remove_diacritics 2')"
    )


def _create_postgresql() -> None:
    # btree_gin lets the GIN index lead with tenant_id, like every other key
    # (a trusted extension: the schema owner may create it).
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    vectors = ",\n".join(f"  {name} tsvector NOT NULL" for name in SECTIONS)
    op.execute(
        "CREATE TABLE ticket_search (\n"
        "  tenant_id BIGINT NOT NULL,\n"
        "  ticket_number BIGINT NOT NULL,\n"
        f"{vectors},\n"
        # Weights rank subject and number (A) above description (B), the
        # smaller sections (C) and conversations (D); conversations go last
        # so that long threads cannot push the other sections' positions
        # past tsvector's 16,383.
        "  document tsvector GENERATED ALWAYS AS (\n"
        "    setweight(number || subject, 'A')\n"
        "    || setweight(attachments || custom || people || fields, 'C')\n"
        "    || setweight(description, 'B')\n"
        "    || setweight(conversations, 'D')) STORED,\n"
        "  CONSTRAINT pk_ticket_search PRIMARY KEY (tenant_id, ticket_number),\n"
        "  CONSTRAINT fk_ticket_search_tenant_id_tickets FOREIGN KEY (tenant_id, ticket_number)"
        " REFERENCES tickets (tenant_id, number) ON DELETE CASCADE\n"
        ")"
    )
    op.execute("CREATE INDEX ix_ticket_search_tenant_id_document ON ticket_search "
               "USING gin (tenant_id, document)")


def _rows(connection: sa.Connection, sql: str, **params: Any) -> list[Any]:
    return list(connection.execute(sa.text(sql), params))


def _backfill(connection: sa.Connection) -> None:
    for (tenant_id,) in _rows(connection, "SELECT id FROM tenants ORDER BY id"):
        fields = word_fields(
            FieldDef(id=row[0], label=row[1], field_type=row[2], choices=())
            for row in _rows(connection, "SELECT id, label, field_type FROM custom_fields "
                                         "WHERE tenant_id = :t", t=tenant_id)
        )
        numbers = [row[0] for row in _rows(
            connection, "SELECT number FROM tickets WHERE tenant_id = :t ORDER BY number",
            t=tenant_id)]
        for start in range(0, len(numbers), BACKFILL_CHUNK):
            low, high = numbers[start], numbers[min(start + BACKFILL_CHUNK, len(numbers)) - 1]
            window = {"t": tenant_id, "low": low, "high": high}
            messages: dict[int, list[str]] = {}
            for number, body in _rows(
                connection, "SELECT ticket_number, body_text FROM conversations "
                "WHERE tenant_id = :t AND ticket_number BETWEEN :low AND :high "
                "ORDER BY ticket_number, position", **window):
                messages.setdefault(number, []).append(body)
            files: dict[int, list[str]] = {}
            for number, name in _rows(
                connection, "SELECT ticket_number, file_name FROM attachments "
                "WHERE tenant_id = :t AND ticket_number BETWEEN :low AND :high "
                "ORDER BY ticket_number, id", **window):
                files.setdefault(number, []).append(name)
            tickets = _rows(
                connection,
                "SELECT t.number, t.subject, t.description_text, t.custom_fields, c.name, "
                "c.primary_email, co.name FROM tickets t "
                "JOIN contacts c ON c.tenant_id = t.tenant_id AND c.id = t.contact_id "
                "LEFT JOIN companies co ON co.tenant_id = t.tenant_id AND co.id = t.company_id "
                "WHERE t.tenant_id = :t AND t.number BETWEEN :low AND :high", **window)
            documents = []
            for number, subject, description, custom, name, email, company in tickets:
                source = TicketSource(
                    number=number, subject=subject, description_text=description,
                    custom_fields=(json.loads(custom) if isinstance(custom, str)
                                   else custom) or {},
                    contact_name=name, contact_email=email, company_name=company,
                    conversation_texts=messages.get(number, ()),
                    attachment_names=files.get(number, ()),
                )
                documents.append((number, build_document(source, fields)))
            write_documents(connection, tenant_id, documents, replace=False)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        _create_postgresql()
    else:
        _create_sqlite()
    _backfill(connection)


def downgrade() -> None:
    op.execute("DROP TABLE ticket_search")
