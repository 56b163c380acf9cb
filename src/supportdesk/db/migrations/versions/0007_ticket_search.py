"""ticket search

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 11:00:00

The full-text index of tickets (see supportdesk.search.models): an FTS5
virtual table on SQLite, a table of tsvectors with a GIN index on
PostgreSQL. Neither is in the ORM metadata. Existing tickets are indexed
here (supportdesk.search.backfill, which reads only columns that exist at
this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supportdesk.search.backfill import index_every_ticket
from supportdesk.search.documents import WORD_FIELD_TYPES

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SECTIONS = ("number", "subject", "attachments", "custom", "people", "fields", "description",
            "conversations")


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


def _backfill(connection: sa.Connection) -> None:
    # The documents of this revision: the built-in configuration, and every
    # word-valued custom field in the custom section (0015 changed both).
    index_every_ticket(connection, text_config="english", custom_types=WORD_FIELD_TYPES)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        _create_postgresql()
    else:
        _create_sqlite()
    _backfill(connection)


def downgrade() -> None:
    op.execute("DROP TABLE ticket_search")
