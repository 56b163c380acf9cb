"""Bulk sample data: a tenant's worth of realistic tickets, fast enough for a million.

Rows are built as prepared tuples (``generator``) and written through the
database driver (``writers``): ``executemany`` on SQLite, ``COPY`` on
PostgreSQL, one write transaction per batch on one pinned connection. Each
batch's session is bound to the tenant, so the PostgreSQL transaction
carries the row-level security setting like any other tenant write. Ticket,
contact and company numbers come from the tenant's own counters, so seeded
records continue the numbering the API would have given them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from supportdesk.clock import Clock, system_clock
from supportdesk.companies.models import Company
from supportdesk.db.sequences import allocate
from supportdesk.db.session import Database
from supportdesk.errors import BadRequest
from supportdesk.seed.definitions import TenantDefinitions
from supportdesk.seed.generator import SEEDED_PERIOD, TICKET_COLUMNS, Batch, TicketGenerator
from supportdesk.seed.people import create_people
from supportdesk.seed.writers import BatchWriter, PostgresWriter, SqliteWriter, driver_connection
from supportdesk.tenancy.service import get_tenant
from supportdesk.tickets import counters, field_values

DEFAULT_BATCH = 10_000
# Share of bulk-seeded tickets that get a conversation. Three messages per
# ticket triple the rows written: with every ticket threaded a million
# tickets take over two minutes on SQLite, with a quarter well under.
BULK_CONVERSATION_SHARE = 0.25
# The seeding connection's SQLite page cache (KiB, as a negative cache_size):
# enough to keep the hot pages of the ticket indexes while they grow.
SEED_CACHE_KIB = 131_072

ProgressCallback = Callable[[int], None]
SessionOpener = Callable[[int], AbstractContextManager[Session]]


@dataclass(frozen=True)
class SeedReport:
    """What a seeding run added to the tenant."""

    tickets: int
    conversations: int
    contacts: int
    first_number: int | None
    last_number: int | None


def default_contact_count(tickets: int) -> int:
    """About one contact per ten tickets, within sensible bounds."""
    return min(100_000, max(40, tickets // 10))


def _pinned_session(database: Database, connection: Connection,
                    tenant_id: int) -> AbstractContextManager[Session]:
    """A write session on ``connection``, as ``Database.session`` opens it."""
    return database.session(tenant_id=tenant_id, write=True, connection=connection)


@contextmanager
def _bulk_sessions(database: Database) -> Iterator[tuple[SessionOpener, BatchWriter]]:
    """Opens the write session of each batch, all on one pinned connection.

    On PostgreSQL the connection holds the writer's staging tables. On
    SQLite its durability is relaxed to ``synchronous=NORMAL`` for the run:
    in WAL mode that still never corrupts the database, and a crash can only
    lose the last batches, which the seed can simply be run again for, while
    skipping the fsync on every commit roughly halves the time of a
    million-ticket seed. The pragma can only change outside a transaction,
    hence the pinned connection; it is restored before the connection goes
    back to the pool, so the engine's ``synchronous=FULL`` default holds for
    everyone else.
    """
    with database.engine.connect() as connection:
        raw = driver_connection(connection)
        if database.dialect != "sqlite":
            PostgresWriter.stage(connection)
            try:
                yield partial(_pinned_session, database, connection), PostgresWriter()
            finally:
                if connection.in_transaction():
                    connection.rollback()
                PostgresWriter.unstage(connection)
            return
        synchronous = raw.execute("PRAGMA synchronous").fetchone()[0]
        cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute(f"PRAGMA cache_size=-{SEED_CACHE_KIB}")
        try:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            yield partial(_pinned_session, database, connection), SqliteWriter()
        finally:
            if connection.in_transaction():
                connection.rollback()
            raw.execute(f"PRAGMA synchronous={int(synchronous)}")
            raw.execute(f"PRAGMA cache_size={int(cache_size)}")
            # Hand the grown page cache back now rather than when the pool
            # recycles the connection.
            raw.execute("PRAGMA shrink_memory")


def _write_batch(open_session: SessionOpener, writer: BatchWriter, tenant_id: int,
                 batch: Batch) -> int:
    """Number and write one batch in its own transaction; return its first number."""
    with open_session(tenant_id) as session:
        first = allocate(session, "tickets", len(batch.tickets))
        batch.number(first)
        writer.write(session, tenant_id, batch)
        counters.rows_added(session, batch.tickets, TICKET_COLUMNS)
        field_values.rows_added(session, batch.field_values)
        session.commit()
    return first


def seed_tickets(
    database: Database,
    *,
    subdomain: str,
    tickets: int,
    batch_size: int = DEFAULT_BATCH,
    seed: int = 0,
    contacts: int | None = None,
    conversation_share: float = BULK_CONVERSATION_SHARE,
    clock: Clock = system_clock,
    on_batch: ProgressCallback | None = None,
) -> SeedReport:
    """Add ``tickets`` realistic tickets (and new contacts and companies) to a tenant.

    Tickets are spread over the last two years, numbered on from the tenant's
    counter in creation order, and indexed for search as they are written.
    ``conversation_share`` is the fraction of tickets that get a
    conversation; every ticket's ``conversation_count`` equals the messages
    inserted for it. The same ``seed`` on the same tenant state gives the
    same data. ``on_batch`` hears each committed batch's ticket count.
    """
    if tickets < 0:
        raise BadRequest("the number of tickets to seed must not be negative")
    if batch_size < 1:
        raise BadRequest("the batch size must be at least 1")
    if not 0.0 <= conversation_share <= 1.0:
        raise BadRequest("the conversation share must be between 0 and 1")
    rng = random.Random(seed)  # noqa: S311 - sample data, reproducible by design
    now = clock.now()
    with database.session() as lookup:
        tenant_id = get_tenant(lookup, subdomain).id
    contact_count = default_contact_count(tickets) if contacts is None else contacts
    if contact_count < 1:
        raise BadRequest("seeding tickets needs at least one contact")
    with database.session(tenant_id=tenant_id) as session:
        definitions = TenantDefinitions.load(session)
    first_number: int | None = None
    last_number: int | None = None
    conversation_total = 0
    with _bulk_sessions(database) as (open_session, writer):
        with open_session(tenant_id) as session:
            people = create_people(session, rng, contacts=contact_count,
                                   since=now - SEEDED_PERIOD)
            session.commit()
            company_names: dict[int, str] = dict(
                session.execute(select(Company.id, Company.name)).all())
        generator = TicketGenerator(rng=rng, tenant_id=tenant_id, definitions=definitions,
                                    contacts=people, company_names=company_names,
                                    total=max(tickets, 1), now=now,
                                    conversation_share=conversation_share)
        write = partial(_write_batch, open_session, writer, tenant_id)
        # One thread writes batch n while this one builds batch n + 1: the
        # database's work (SQLite's B-trees and FTS5, PostgreSQL's server
        # process) overlaps Python's, on a second core.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-writer") as pool:
            pending: tuple[Future[int], int] | None = None
            remaining = tickets
            while remaining > 0 or pending is not None:
                count = min(batch_size, remaining)
                batch = generator.batch(count) if count else None
                if pending is not None:
                    future, written = pending
                    first = future.result()
                    first_number = first if first_number is None else first_number
                    last_number = first + written - 1
                    if on_batch is not None:
                        on_batch(written)
                    pending = None
                if batch is not None:
                    pending = pool.submit(write, batch), count
                    conversation_total += len(batch.conversations)
                    remaining -= count
    return SeedReport(tickets=tickets, conversations=conversation_total,
                      contacts=contact_count, first_number=first_number,
                      last_number=last_number)
