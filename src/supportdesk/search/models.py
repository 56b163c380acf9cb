"""The search index's tables, which live outside the ORM metadata.

The index is a physical structure that differs by database, so it is made
by migration ``0007`` and written with Core/raw SQL, never mapped:

- SQLite: ``ticket_search``, an FTS5 virtual table (porter stemmer over
  unicode61) with one row per ticket. Its ``rowid`` encodes the tenant and
  the ticket number (``tenant_id << 40 | number``), so a tenant's documents
  are one contiguous rowid range and no mapping table is needed. FTS5 keeps
  its own shadow tables (``ticket_search_data``, ``_idx``, ``_content``,
  ``_docsize``, ``_config``).
- PostgreSQL: ``ticket_search`` is a table keyed ``(tenant_id,
  ticket_number)`` (a foreign key to the ticket, cascading) with one
  ``tsvector`` column per section and a generated, weighted ``document``
  of all of them under a GIN index led by ``tenant_id`` (``btree_gin``).

Each section is what one ``search_in`` code (or advanced field) reads.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, column, table
from sqlalchemy.sql.expression import TableClause

SEARCH_TABLE = "ticket_search"

# Index sections, in column order. ``fields`` holds every word-valued custom
# field again, each token prefixed with a marker of its field (see
# ``documents.field_marker``), so that ``cf_<Label>`` terms match one field.
SECTIONS = (
    "number", "subject", "attachments", "custom", "people", "fields", "description",
    "conversations",
)

# Bits of an FTS5 rowid that hold the ticket number (the tenant id is above).
NUMBER_BITS = 40


def is_search_table(name: str | None) -> bool:
    """Whether ``name`` is the index or one of its FTS5 shadow tables.

    Schema comparisons (Alembic autogenerate, the schema test) skip these:
    they are made by the migration, not by the models.
    """
    return name is not None and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))


def search_table() -> TableClause:
    """A lightweight Core handle on the index (PostgreSQL column names).

    The keys are typed ``BIGINT`` as in the table: a value bound as
    ``INTEGER`` compares across types, which the ``btree_gin`` key of the GIN
    index cannot serve, so the index would not seek on the tenant.
    """
    return table(SEARCH_TABLE, column("tenant_id", BigInteger()),
                 column("ticket_number", BigInteger()),
                 *(column(name) for name in SECTIONS), column("document"))


def fts_table() -> TableClause:
    """A lightweight Core handle on the SQLite FTS5 table (rowid + sections)."""
    return table(SEARCH_TABLE, column("rowid"), *(column(name) for name in SECTIONS))


def tenant_rowid_range(tenant_id: int) -> tuple[int, int]:
    """The first and last FTS5 rowid a tenant's documents can take."""
    low = tenant_id << NUMBER_BITS
    return low, low + (1 << NUMBER_BITS) - 1
