"""Writing a batch of seeded rows straight through the database driver.

The batch's session (bound to the tenant, so on PostgreSQL its transaction
carries the row-level security setting) allocates the ticket numbers; the
rows then go to the driver connection underneath it, in that same
transaction:

- SQLite: ``executemany`` of the prepared tuples on the ``sqlite3``
  connection, tickets, conversations, custom field values and the FTS5
  documents.
- PostgreSQL: ``COPY`` into temporary staging tables, then one
  ``INSERT ... SELECT`` per table. PostgreSQL refuses ``COPY FROM`` into a
  table whose row-level security applies to the writer (the tenant policy
  is forced, so it applies to the schema owner too); the ``INSERT`` goes
  through the policy like any other write, and its ``SELECT`` turns the
  search texts into ``tsvector`` on the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from supportdesk.search.index import TEXT_CONFIG, rowid, words_only
from supportdesk.search.models import SEARCH_TABLE, SECTIONS
from supportdesk.seed.generator import (
    CONVERSATION_COLUMNS,
    FIELD_VALUE_COLUMNS,
    TICKET_COLUMNS,
    Batch,
)

# Statements are built from constant table and column names only; values are bound.
_TICKET_LIST = ", ".join(TICKET_COLUMNS)
_CONVERSATION_LIST = ", ".join(CONVERSATION_COLUMNS)
_FIELD_VALUE_LIST = ", ".join(FIELD_VALUE_COLUMNS)

# Sections whose few distinct texts (pooled subjects and descriptions, one
# line per contact) are turned into tsvector once per run on PostgreSQL and
# staged as such; the others are staged as text and converted per ticket.
# The number section is the ticket number's text, made from the number.
_CACHED = ("subject", "people", "description")
_STAGED = tuple(name for name in SECTIONS if name != "number")
_STAGED_LIST = ", ".join(_STAGED)


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


_SQLITE_TICKETS = (f"INSERT INTO tickets ({_TICKET_LIST}) "  # noqa: S608 - constant names
                   f"VALUES ({_placeholders(len(TICKET_COLUMNS))})")
_SQLITE_CONVERSATIONS = (f"INSERT INTO conversations ({_CONVERSATION_LIST}) "  # noqa: S608
                         f"VALUES ({_placeholders(len(CONVERSATION_COLUMNS))})")
_SQLITE_FIELD_VALUES = (f"INSERT INTO ticket_field_values ({_FIELD_VALUE_LIST}) "  # noqa: S608
                        f"VALUES ({_placeholders(len(FIELD_VALUE_COLUMNS))})")
_SQLITE_DOCUMENTS = (f"INSERT INTO {SEARCH_TABLE} (rowid, number, {_STAGED_LIST}) "  # noqa: S608
                     f"VALUES ({_placeholders(len(SECTIONS) + 1)})")

# PostgreSQL staging tables: temporary (this connection only, no WAL), emptied
# at every commit.
_STAGE_TICKETS = "seed_stage_tickets"
_STAGE_CONVERSATIONS = "seed_stage_conversations"
_STAGE_DOCUMENTS = "seed_stage_documents"
_STAGE_FIELD_VALUES = "seed_stage_field_values"
_STAGING = (
    f"CREATE TEMPORARY TABLE {_STAGE_TICKETS} ON COMMIT DELETE ROWS AS "  # noqa: S608
    f"SELECT {_TICKET_LIST} FROM tickets WITH NO DATA",
    f"CREATE TEMPORARY TABLE {_STAGE_CONVERSATIONS} ON COMMIT DELETE ROWS AS "  # noqa: S608
    f"SELECT {_CONVERSATION_LIST} FROM conversations WITH NO DATA",
    f"CREATE TEMPORARY TABLE {_STAGE_FIELD_VALUES} ON COMMIT DELETE ROWS AS "  # noqa: S608
    f"SELECT {_FIELD_VALUE_LIST} FROM ticket_field_values WITH NO DATA",
    f"CREATE TEMPORARY TABLE {_STAGE_DOCUMENTS} (tenant_id BIGINT NOT NULL, "
    "ticket_number BIGINT NOT NULL, "
    + ", ".join(f"{name} {'TSVECTOR' if name in _CACHED else 'TEXT'} NOT NULL"
                for name in _STAGED)
    + ") ON COMMIT DELETE ROWS",
)
_UNSTAGE = tuple(f"DROP TABLE IF EXISTS {name}"
                 for name in (_STAGE_TICKETS, _STAGE_CONVERSATIONS, _STAGE_DOCUMENTS,
                              _STAGE_FIELD_VALUES))
_PG_TICKETS = (f"INSERT INTO tickets ({_TICKET_LIST}) "  # noqa: S608 - constant names
               f"SELECT {_TICKET_LIST} FROM {_STAGE_TICKETS}")
_PG_CONVERSATIONS = (f"INSERT INTO conversations ({_CONVERSATION_LIST}) "  # noqa: S608
                     f"SELECT {_CONVERSATION_LIST} FROM {_STAGE_CONVERSATIONS}")
_PG_FIELD_VALUES = (f"INSERT INTO ticket_field_values ({_FIELD_VALUE_LIST}) "  # noqa: S608
                    f"SELECT {_FIELD_VALUE_LIST} FROM {_STAGE_FIELD_VALUES}")
_PG_DOCUMENTS = (
    f"INSERT INTO {SEARCH_TABLE} (tenant_id, ticket_number, number, {_STAGED_LIST}) "  # noqa: S608
    f"SELECT tenant_id, ticket_number, to_tsvector('{TEXT_CONFIG}', ticket_number::text), "
    + ", ".join(name if name in _CACHED else f"to_tsvector('{TEXT_CONFIG}', {name})"
                for name in _STAGED)
    + f" FROM {_STAGE_DOCUMENTS}"
)
_PG_VECTORS = (f"SELECT to_tsvector('{TEXT_CONFIG}', t)::text "  # noqa: S608 - constant
               "FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i")


# What a seeded ticket's foreign keys point at; seeding creates contacts and companies.
_REFERENCED = ("contacts", "companies", "contact_emails", "company_domains", "statuses",
               "ticket_types", "groups", "categories", "subcategories", "agents",
               "sla_policies", "custom_fields")


def driver_connection(connection: Connection) -> Any:
    """The DB-API connection under a checked-out SQLAlchemy connection."""
    raw = connection.connection.driver_connection
    if raw is None:  # pragma: no cover - a checked-out connection always has one
        raise RuntimeError("the pooled connection has no driver connection")
    return raw


class BatchWriter(Protocol):
    """Writes one numbered batch in the session's open transaction."""

    def write(self, session: Session, tenant_id: int, batch: Batch) -> None: ...


class SqliteWriter:
    """``executemany`` of prepared tuples on the ``sqlite3`` connection."""

    def write(self, session: Session, tenant_id: int, batch: Batch) -> None:
        cursor = driver_connection(session.connection()).cursor()
        first = batch.first
        try:
            cursor.executemany(_SQLITE_TICKETS, batch.tickets)
            cursor.executemany(_SQLITE_CONVERSATIONS, batch.conversations)
            cursor.executemany(_SQLITE_FIELD_VALUES, batch.field_values)
            cursor.executemany(_SQLITE_DOCUMENTS, [
                (rowid(tenant_id, first + offset), str(first + offset),
                 *[sections[name] for name in _STAGED])
                for offset, sections in batch.documents
            ])
        finally:
            cursor.close()


class PostgresWriter:
    """``COPY`` into staging tables, then ``INSERT ... SELECT`` under the tenant policy."""

    @staticmethod
    def stage(connection: Connection) -> None:
        """Prepare the seeding connection: staging tables, asynchronous commits.

        ``synchronous_commit=off`` (this connection only, until ``unstage``)
        lets a batch's commit return before its WAL is flushed: a crash can
        lose the last batches, never corrupt anything, and the seed can be
        run again, as with SQLite's ``synchronous=NORMAL`` for the seed.
        """
        raw = driver_connection(connection)
        with raw.cursor() as cursor:
            for statement in _UNSTAGE + _STAGING:
                cursor.execute(statement)
            cursor.execute("SET synchronous_commit = off")
        raw.commit()

    @staticmethod
    def unstage(connection: Connection) -> None:
        """Drop the staging tables before the connection goes back to the pool."""
        raw = driver_connection(connection)
        with raw.cursor() as cursor:
            for statement in _UNSTAGE:
                cursor.execute(statement)
            cursor.execute("RESET synchronous_commit")
        raw.commit()

    def __init__(self) -> None:
        self.analyzed = False
        # Section text -> its tsvector's text form, for the sections in _CACHED.
        self.vectors: dict[str, str] = {}

    @staticmethod
    def analyze(session: Session, tables: Sequence[str]) -> None:
        """Refresh the planner's statistics of ``tables`` (owner only; others get a warning).

        Foreign key checks run a cached lookup per inserted row. On tables
        that were never analyzed (a fresh database, where autovacuum has not
        come by yet) the planner may pick any index led by ``tenant_id`` for
        it, and scan the whole tenant per row: 2 ms per ticket with 2,000
        contacts. Statistics make it use the primary key.
        """
        with driver_connection(session.connection()).cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")

    def write(self, session: Session, tenant_id: int, batch: Batch) -> None:
        if not self.analyzed:
            self.analyze(session, _REFERENCED)
        first = batch.first
        with driver_connection(session.connection()).cursor() as cursor:
            _copy(cursor, _STAGE_TICKETS, TICKET_COLUMNS, batch.tickets)
            cursor.execute(_PG_TICKETS)
            if batch.conversations:
                _copy(cursor, _STAGE_CONVERSATIONS, CONVERSATION_COLUMNS, batch.conversations)
                cursor.execute(_PG_CONVERSATIONS)
            if batch.field_values:
                _copy(cursor, _STAGE_FIELD_VALUES, FIELD_VALUE_COLUMNS, batch.field_values)
                cursor.execute(_PG_FIELD_VALUES)
            vectors = self._vectors(cursor, batch)
            _copy(cursor, _STAGE_DOCUMENTS, ("tenant_id", "ticket_number", *_STAGED), (
                (tenant_id, first + offset,
                 *[vectors[sections[name]] if name in _CACHED else words_only(sections[name])
                   for name in _STAGED])
                for offset, sections in batch.documents
            ))
            cursor.execute(_PG_DOCUMENTS)
        if not self.analyzed:
            # Once tickets has rows, conversations and the index check theirs by primary key.
            self.analyze(session, ("tickets",))
            self.analyzed = True

    def _vectors(self, cursor: Any, batch: Batch) -> dict[str, str]:
        """The tsvector (text form) of every cached section text of ``batch``.

        Texts not seen before in the run are converted by the server, in one
        query: exactly what ``to_tsvector`` makes of them in any row.
        """
        vectors = self.vectors
        missing = list({sections[name] for _offset, sections in batch.documents
                        for name in _CACHED} - vectors.keys())
        if missing:
            cursor.execute(_PG_VECTORS, [[words_only(text) for text in missing]])
            vectors.update(zip(missing, (row[0] for row in cursor.fetchall()), strict=True))
        return vectors


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        write_row = copy.write_row
        for row in rows:
            write_row(row)
