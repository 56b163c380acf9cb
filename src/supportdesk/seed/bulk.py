"""Bulk sample data: a tenant's worth of realistic tickets, fast enough for a million.

Rows go in through SQLAlchemy Core ``executemany`` in batches, one write
transaction per batch, with the tenant set explicitly on every row. Ticket,
contact and company numbers come from the tenant's own counters, so seeded
records continue the numbering the API would have given them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from supportdesk.catalog.snapshot import AgentDef
from supportdesk.clock import Clock, system_clock
from supportdesk.companies.models import Company
from supportdesk.db.sequences import allocate
from supportdesk.db.session import Database
from supportdesk.errors import BadRequest
from supportdesk.search.index import index_seeded_tickets
from supportdesk.seed import vocabulary as words
from supportdesk.seed.definitions import TenantDefinitions, field_value
from supportdesk.seed.people import ContactRef, create_people, table_of
from supportdesk.seed.timeline import (
    HOUR,
    Message,
    build_timeline,
    is_assigned,
    status_category,
)
from supportdesk.seed.writing import Body, TicketText, message_bodies, ticket_texts
from supportdesk.tenancy.service import get_tenant
from supportdesk.tickets.models import Conversation, Ticket

PRIORITIES = (1, 5, 10, 20)  # Low, Medium, High, Urgent
PRIORITY_WEIGHTS = (30, 35, 20, 15)
SOURCES = (1, 6, 7, 12, 13, 15)  # Email, Portal, Phone, Web Form, Widget, API
SOURCE_WEIGHTS = (40, 20, 10, 12, 10, 8)
SEEDED_PERIOD = timedelta(days=730)
DEFAULT_BATCH = 10_000
# Share of bulk-seeded tickets that get a conversation. Three messages per
# ticket triple the rows written: with every ticket threaded a million
# tickets take over two minutes on SQLite, with a quarter well under.
BULK_CONVERSATION_SHARE = 0.25
# Pools of distinct texts; tickets draw from them (see ``writing``).
TEXT_POOL = 4_096
MESSAGE_POOL = 512

ProgressCallback = Callable[[int], None]
_T = TypeVar("_T")
Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]


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


class _Generator:
    """Builds the rows of consecutive batches of one seeding run."""

    def __init__(self, *, rng: random.Random, tenant_id: int, definitions: TenantDefinitions,
                 contacts: list[ContactRef], total: int, now: datetime,
                 conversation_share: float) -> None:
        self.rng = rng
        self.tenant_id = tenant_id
        self.defs = definitions
        self.contacts = contacts
        self.total = total
        self.start = now - SEEDED_PERIOD
        self.now_s = int(SEEDED_PERIOD.total_seconds())
        # The newest seeded ticket is an hour old, so its events fit before "now".
        self.span = self.now_s - HOUR
        self.conversation_share = conversation_share
        self.texts: list[TicketText] = ticket_texts(rng, TEXT_POOL)
        self.agent_replies: list[Body] = message_bodies(rng, words.AGENT_REPLIES, MESSAGE_POOL)
        self.contact_replies: list[Body] = message_bodies(rng, words.CONTACT_REPLIES,
                                                          MESSAGE_POOL)
        self.notes: list[Body] = message_bodies(rng, words.AGENT_NOTES, MESSAGE_POOL)
        self.done = 0

    def _at(self, seconds: int | None) -> datetime | None:
        return None if seconds is None else self.start + timedelta(seconds=seconds)

    def batch(self, count: int) -> Rows:
        """Ticket and conversation rows of the next ``count`` tickets.

        Ticket numbers in the rows count from 0; ``number_rows`` shifts them
        onto the block allocated when the batch is written.
        """
        rng, defs, at = self.rng, self.defs, self._at
        roll = rng.random
        priorities = rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS, k=count)
        sources = rng.choices(SOURCES, weights=SOURCE_WEIGHTS, k=count)
        contacts, texts, agents = self.contacts, self.texts, defs.agents
        group_ids, type_ids, category_ids = defs.group_ids, defs.type_ids, defs.category_ids
        fields, resolution = defs.fields, defs.resolution_seconds
        tickets: list[dict[str, Any]] = []
        conversations: list[dict[str, Any]] = []
        for offset in range(count):
            created = int(self.span * (self.done + offset + roll()) / self.total)
            category = status_category(rng, self.now_s - created)
            group_id = _pick(roll, group_ids) if group_ids and roll() < 0.7 else None
            assignee: AgentDef | None = None
            if agents and is_assigned(rng, category):
                team = defs.members.get(group_id) if group_id is not None else None
                assignee = _pick(roll, team) if team and roll() < 0.8 else _pick(roll, agents)
            replier = assignee or (_pick(roll, agents) if agents else None)
            line = build_timeline(
                rng, created=created, now=self.now_s, category=category,
                assigned=assignee is not None,
                has_thread=roll() < self.conversation_share,
                agent_can_reply=replier is not None,
            )
            # Skewed so that some customers write in far more often than others.
            contact = contacts[int(len(contacts) * roll() ** 2)]
            category_id = subcategory_id = None
            if category_ids and roll() < 0.6:
                category_id = _pick(roll, category_ids)
                subs = defs.subcategory_ids.get(category_id)
                if subs and roll() < 0.75:
                    subcategory_id = _pick(roll, subs)
            custom = {str(f.id): value for f in fields
                      if roll() < 0.35 and (value := field_value(rng, f)) is not None}
            text = _pick(roll, texts)
            for position, message in enumerate(line.messages, start=1):
                conversations.append(self._message_row(offset, position, message, contact,
                                                        replier))
            due = created + resolution if resolution is not None else None
            tickets.append({
                "tenant_id": self.tenant_id, "number": offset,
                "subject": text.subject,
                "description_html": text.description.html,
                "description_text": text.description.text,
                "status_id": _pick(roll, defs.status_ids[category]),
                "priority": priorities[offset],
                "type_id": _pick(roll, type_ids) if type_ids and roll() < 0.85 else None,
                "group_id": group_id, "category_id": category_id,
                "subcategory_id": subcategory_id,
                "assignee_id": assignee.id if assignee else None,
                "contact_id": contact.id, "company_id": contact.company_id,
                "sla_policy_id": defs.sla_policy_id,
                "source": sources[offset],
                "created_at": at(created), "updated_at": at(line.updated),
                "resolved_at": at(line.resolved), "closed_at": at(line.closed),
                "due_at": at(due),
                "first_response_at": at(line.first_response),
                "first_assigned_at": at(line.first_assigned),
                "completed_within_sla": (line.resolved <= due
                                         if line.resolved is not None and due is not None
                                         else None),
                "conversation_count": len(line.messages),
                "custom_fields": custom,
                "watchers": [replier.email] if replier and roll() < 0.1 else [],
                "share_to": [],
            })
        self.done += count
        return tickets, conversations

    def _message_row(self, offset: int, position: int, message: Message, contact: ContactRef,
                     agent: AgentDef | None) -> dict[str, Any]:
        if message.by_agent and agent is not None:
            pool = self.notes if message.kind == "note" else self.agent_replies
            sender, email, name = "agent", agent.email, agent.name
            to_address = contact.email if message.kind == "reply" else None
        else:
            pool, sender, email, name = self.contact_replies, "contact", contact.email, \
                contact.name
            to_address = None
        body = _pick(self.rng.random, pool)
        # Columns left out (cc, bcc, notified agents, bounces) are stored as NULL.
        return {
            "tenant_id": self.tenant_id, "ticket_number": offset, "position": position,
            "kind": message.kind, "is_public": message.is_public, "sender_type": sender,
            "created_by": email, "creator_name": name, "from_email": email,
            "to_address": to_address, "body_html": body.html, "body_text": body.text,
            "attachments_count": 0, "created_at": self._at(message.at),
        }


def _pick(roll: Callable[[], float], items: Sequence[_T]) -> _T:
    """A uniformly random item; ``random.choice`` costs three times as much."""
    return items[int(roll() * len(items))]


def number_rows(tickets: list[dict[str, Any]], conversations: list[dict[str, Any]],
                first_number: int) -> None:
    """Shift a batch's 0-based ticket numbers onto its allocated block."""
    for row in tickets:
        row["number"] += first_number
    for row in conversations:
        row["ticket_number"] += first_number


def _pinned_session(database: Database, connection: Connection,
                    tenant_id: int) -> AbstractContextManager[Session]:
    """A write session on ``connection``, as ``Database.session`` opens it."""
    return database.session(tenant_id=tenant_id, write=True, connection=connection)


SessionOpener = Callable[[int], AbstractContextManager[Session]]


@contextmanager
def _bulk_sessions(database: Database) -> Iterator[SessionOpener]:
    """Opens the write session of each batch.

    On SQLite every batch runs on one pinned connection whose durability is
    relaxed to ``synchronous=NORMAL`` for the run: in WAL mode that still
    never corrupts the database, and a crash can only lose the last batches,
    which the seed can simply be run again for, while skipping the fsync
    on every commit roughly halves the time of a million-ticket seed. The
    pragma can only change outside a transaction, hence the pinned
    connection; it is restored before the connection goes back to the pool,
    so the engine's ``synchronous=FULL`` default holds for everyone else.
    """
    if database.dialect != "sqlite":
        yield lambda tenant_id: database.session(tenant_id=tenant_id, write=True)
        return
    with database.engine.connect() as connection:
        raw = connection.connection.driver_connection
        if raw is None:  # pragma: no cover - a checked-out connection always has one
            raise RuntimeError("the pooled connection has no driver connection")
        synchronous = raw.execute("PRAGMA synchronous").fetchone()[0]
        cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute("PRAGMA synchronous=NORMAL")
        # A larger page cache keeps the ticket indexes in memory while they grow.
        raw.execute("PRAGMA cache_size=-524288")
        try:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            yield partial(_pinned_session, database, connection)
        finally:
            if connection.in_transaction():
                connection.rollback()
            raw.execute(f"PRAGMA synchronous={int(synchronous)}")
            raw.execute(f"PRAGMA cache_size={int(cache_size)}")


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
    counter in creation order. ``conversation_share`` is the fraction of
    tickets that get a conversation; every ticket's ``conversation_count``
    equals the messages inserted for it. The same ``seed`` on the same
    tenant state gives the same data. ``on_batch`` hears each committed
    batch's ticket count.
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
    with _bulk_sessions(database) as open_session:
        with open_session(tenant_id) as session:
            people = create_people(session, rng, contacts=contact_count,
                                   since=now - SEEDED_PERIOD)
            session.commit()
            company_names: dict[int, str] = dict(
                session.execute(select(Company.id, Company.name)).all())
        contact_names = {person.id: (person.name, person.email) for person in people}
        generator = _Generator(rng=rng, tenant_id=tenant_id, definitions=definitions,
                               contacts=people, total=max(tickets, 1), now=now,
                               conversation_share=conversation_share)
        ticket_table, conversation_table = table_of(Ticket), table_of(Conversation)
        remaining = tickets
        while remaining > 0:
            count = min(batch_size, remaining)
            ticket_rows, conversation_rows = generator.batch(count)
            with open_session(tenant_id) as session:
                first = allocate(session, "tickets", count)
                number_rows(ticket_rows, conversation_rows, first)
                connection = session.connection()
                connection.execute(insert(ticket_table), ticket_rows)
                if conversation_rows:
                    connection.execute(insert(conversation_table), conversation_rows)
                index_seeded_tickets(session, tenant_id, ticket_rows=ticket_rows,
                                     conversation_rows=conversation_rows,
                                     contacts=contact_names, companies=company_names,
                                     fields=definitions.fields)
                session.commit()
            first_number = first if first_number is None else first_number
            last_number = first + count - 1
            conversation_total += len(conversation_rows)
            remaining -= count
            if on_batch is not None:
                on_batch(count)
    return SeedReport(tickets=tickets, conversations=conversation_total,
                      contacts=contact_count, first_number=first_number,
                      last_number=last_number)
