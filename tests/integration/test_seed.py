"""Bulk seeding: exact counts, consistent timelines, deterministic data (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from supportdesk.agents.models import Agent
from supportdesk.catalog.models import Category, Status, Subcategory, TicketType
from supportdesk.clock import FixedClock
from supportdesk.companies.models import Company, CompanyDomain
from supportdesk.config import Settings
from supportdesk.contacts.models import Contact
from supportdesk.customfields.models import CustomField
from supportdesk.db.sequences import TenantSequence
from supportdesk.db.session import Database
from supportdesk.errors import BadRequest, NotFound
from supportdesk.seed import SeedReport, generate_sample_data, generator, seed_tickets
from supportdesk.seed.generator import Batch
from supportdesk.seed.writers import PostgresWriter, SqliteWriter
from supportdesk.sla.models import SlaPolicy
from supportdesk.tickets.models import Conversation, Ticket
from tests.factories import TenantFixture, make_tenant

TICKET_FIELDS = (
    "subject", "description_html", "description_text", "status_id", "priority", "type_id",
    "group_id", "category_id", "subcategory_id", "assignee_id", "contact_id", "company_id",
    "sla_policy_id", "source", "created_at", "updated_at", "resolved_at", "closed_at",
    "due_at", "first_response_at", "first_assigned_at", "completed_within_sla",
    "conversation_count", "custom_fields", "watchers", "share_to",
)


def _seed(tenant: TenantFixture, tickets: int, **options: Any) -> SeedReport:
    """Seed with every ticket threaded unless a test says otherwise."""
    options.setdefault("conversation_share", 1.0)
    return seed_tickets(tenant.database, subdomain=tenant.subdomain, tickets=tickets,
                        clock=tenant.clock, **options)


def _tickets(tenant: TenantFixture) -> list[Ticket]:
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.number)))


def _conversations(tenant: TenantFixture) -> list[Conversation]:
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        return list(session.scalars(
            select(Conversation).order_by(Conversation.ticket_number, Conversation.position)))


def _names(tenant: TenantFixture, model: Any) -> dict[int, str]:
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        return {row.id: row.name for row in session.execute(select(model.id, model.name))}


def test_seeded_tickets_continue_the_numbering_in_batches(tenant: TenantFixture) -> None:
    report = _seed(tenant, 250, batch_size=100, seed=7)

    assert report == SeedReport(tickets=250, conversations=report.conversations, contacts=40,
                                first_number=1, last_number=250)
    assert [t.number for t in _tickets(tenant)] == list(range(1, 251))
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        counters = dict(session.execute(select(TenantSequence.name, TenantSequence.value)).all())
        assert session.scalar(select(func.count()).select_from(Contact)) == 40
        assert session.scalar(select(func.count()).select_from(Company)) == 3
    assert counters["tickets"] == 250
    assert counters["contacts"] == 40
    assert counters["companies"] == 3


def test_conversation_count_matches_the_conversation_rows(tenant: TenantFixture) -> None:
    report = _seed(tenant, 120, seed=3)

    per_ticket: dict[int, list[Conversation]] = {}
    for conversation in _conversations(tenant):
        per_ticket.setdefault(conversation.ticket_number, []).append(conversation)
    tickets = _tickets(tenant)
    assert {t.number: t.conversation_count for t in tickets} == {
        t.number: len(per_ticket.get(t.number, [])) for t in tickets}
    assert sum(len(rows) for rows in per_ticket.values()) == report.conversations
    assert report.conversations > 120
    for rows in per_ticket.values():
        assert [c.position for c in rows] == list(range(1, len(rows) + 1))


def test_every_ticket_tells_a_consistent_story(tenant: TenantFixture) -> None:
    _seed(tenant, 300, seed=11)
    now = tenant.clock.now()
    tickets = _tickets(tenant)
    conversations = _conversations(tenant)
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        category_of = dict(session.execute(select(Status.id, Status.category)).all())
        contacts = {c.id: c for c in session.scalars(select(Contact))}
        agent_emails = set(session.scalars(select(Agent.email)))
        policy = session.scalars(select(SlaPolicy).where(SlaPolicy.is_default)).one()
    thread: dict[int, list[Conversation]] = {}
    for conversation in conversations:
        thread.setdefault(conversation.ticket_number, []).append(conversation)

    for ticket in tickets:
        category = category_of[ticket.status_id]
        assert now - timedelta(days=730) <= ticket.created_at < now
        assert ticket.updated_at >= ticket.created_at
        assert (ticket.resolved_at is not None) == (category in {"resolved", "closed"})
        assert (ticket.closed_at is not None) == (category == "closed")
        if ticket.closed_at is not None:
            assert ticket.resolved_at is not None
            assert ticket.closed_at >= ticket.resolved_at
        assert (ticket.first_assigned_at is not None) == (ticket.assignee_id is not None)
        assert ticket.sla_policy_id == policy.id
        assert ticket.due_at == ticket.created_at + timedelta(minutes=1440)
        if ticket.resolved_at is None:
            assert ticket.completed_within_sla is None
        else:
            assert ticket.completed_within_sla == (ticket.resolved_at <= ticket.due_at)
        contact = contacts[ticket.contact_id]
        assert ticket.company_id == contact.company_id
        messages = thread.get(ticket.number, [])
        times = [m.created_at for m in messages]
        assert times == sorted(times)
        assert all(t > ticket.created_at for t in times)
        assert all(t <= ticket.updated_at for t in times)
        agent_replies = [m for m in messages if m.sender_type == "agent" and m.kind == "reply"]
        assert ticket.first_response_at == (agent_replies[0].created_at if agent_replies
                                            else None)
        for message in messages:
            if message.sender_type == "agent":
                assert message.created_by in agent_emails
            else:
                assert (message.kind, message.is_public, message.created_by) == (
                    "reply", True, contact.primary_email)
            assert message.body_html.startswith("<p>")
            assert message.body_text
            assert "<" not in message.body_text


def test_seeded_values_cover_the_catalog(tenant: TenantFixture) -> None:
    _seed(tenant, 400, seed=5)
    tickets = _tickets(tenant)
    conversations = _conversations(tenant)
    types = _names(tenant, TicketType)
    categories = _names(tenant, Category)
    subcategories = _names(tenant, Subcategory)
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        fields = {f.label: str(f.id) for f in session.scalars(select(CustomField))}
        statuses = _names(tenant, Status)

    assert {t.priority for t in tickets} == {1, 5, 10, 20}
    assert sum(t.priority == 20 for t in tickets) >= 40
    assert {t.source for t in tickets} == {1, 6, 7, 12, 13, 15}
    assert {statuses[t.status_id] for t in tickets} == {"Open", "Pending", "Resolved", "Closed"}
    assert {types[t.type_id] for t in tickets if t.type_id} == set(types.values())
    assert {"Printer 'Out of Ink' Complaint", "Customer's Request"} <= set(types.values())
    assert {categories[t.category_id] for t in tickets if t.category_id} == {
        "Hardware", "Software"}
    assert {subcategories[t.subcategory_id] for t in tickets if t.subcategory_id} == {
        "Printer", "Laptop"}
    assert any(t.assignee_id is None for t in tickets)
    assert any(t.assignee_id is not None for t in tickets)
    assert any(t.group_id is None for t in tickets)
    departments = {t.custom_fields[fields["Department"]] for t in tickets
                   if fields["Department"] in t.custom_fields}
    assert departments == {"Sales", "Support", "Billing"}
    employee_ids = [t.custom_fields[fields["Employee ID"]] for t in tickets
                    if fields["Employee ID"] in t.custom_fields]
    assert employee_ids
    assert all(re.fullmatch(r"EMP-\d{5}", value) for value in employee_ids)
    assert any(not t.custom_fields for t in tickets)
    assert {(c.kind, c.sender_type) for c in conversations} == {
        ("reply", "agent"), ("reply", "contact"), ("note", "agent")}
    notes = [c for c in conversations if c.kind == "note"]
    assert sum(not n.is_public for n in notes) > sum(n.is_public for n in notes)
    assert len({t.subject for t in tickets}) > 150
    assert all(t.description_html and t.description_html.startswith("<p>") for t in tickets)


def test_contacts_at_a_company_domain_belong_to_it(tenant: TenantFixture) -> None:
    _seed(tenant, 500, seed=1)
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        domains = dict(
            session.execute(select(CompanyDomain.domain, CompanyDomain.company_id)).all())
        contacts = list(session.scalars(select(Contact)))
        company_names = list(session.scalars(select(Company.name)))
    assert len(contacts) == 50
    assert len(domains) == len(company_names) == 4
    for contact in contacts:
        domain = contact.primary_email.split("@", 1)[1]
        assert contact.company_id == domains.get(domain)
        assert contact.primary_email == contact.primary_email.lower()
    assert any(c.company_id is None for c in contacts)
    assert any(c.company_id is not None for c in contacts)


def test_seeding_twice_adds_more_without_collisions(tenant: TenantFixture) -> None:
    first = _seed(tenant, 60, seed=2)
    second = _seed(tenant, 60, seed=2)

    assert (first.first_number, first.last_number) == (1, 60)
    assert (second.first_number, second.last_number) == (61, 120)
    assert [t.number for t in _tickets(tenant)] == list(range(1, 121))
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        emails = list(session.scalars(select(Contact.primary_email)))
        names = list(session.scalars(select(Company.name)))
    assert len(emails) == len(set(emails)) == 80
    assert len(names) == len(set(names)) == 6


def test_the_same_seed_gives_the_same_data(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    one = make_tenant(database, settings, clock, subdomain="one")
    two = make_tenant(database, settings, clock, subdomain="two")
    _seed(one, 80, seed=42, batch_size=30)
    _seed(two, 80, seed=42, batch_size=30)

    def rows(tenant: TenantFixture) -> list[tuple[Any, ...]]:
        return [tuple(getattr(t, name) for name in TICKET_FIELDS) for t in _tickets(tenant)]

    assert rows(one) == rows(two)
    assert [(c.ticket_number, c.position, c.body_text, c.created_at)
            for c in _conversations(one)] == [
        (c.ticket_number, c.position, c.body_text, c.created_at) for c in _conversations(two)]


def test_the_data_does_not_depend_on_the_batch_size(
    database: Database, settings: Settings, clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Draw chunks of 25 tickets: batches of 7 and 30 cross their boundaries.
    monkeypatch.setattr(generator, "DRAW_CHUNK", 25)
    one = make_tenant(database, settings, clock, subdomain="one")
    two = make_tenant(database, settings, clock, subdomain="two")
    _seed(one, 80, seed=42, batch_size=7)
    _seed(two, 80, seed=42, batch_size=30)

    def rows(tenant: TenantFixture) -> list[tuple[Any, ...]]:
        return [tuple(getattr(t, name) for name in TICKET_FIELDS) for t in _tickets(tenant)]

    assert len(rows(one)) == 80
    assert rows(one) == rows(two)
    assert {t.priority for t in _tickets(one)} == {1, 5, 10, 20}
    assert [(c.ticket_number, c.position, c.body_text, c.created_at)
            for c in _conversations(one)] == [
        (c.ticket_number, c.position, c.body_text, c.created_at) for c in _conversations(two)]


def test_without_conversations_counts_are_zero(tenant: TenantFixture) -> None:
    report = _seed(tenant, 50, seed=9, conversation_share=0.0)

    assert report.conversations == 0
    assert _conversations(tenant) == []
    assert {(t.conversation_count, t.first_response_at) for t in _tickets(tenant)} == {
        (0, None)}


def test_a_tenant_without_demo_setup_gets_unassigned_tickets(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    bare = make_tenant(database, settings, clock, subdomain="bare", demo=False)
    report = _seed(bare, 40, seed=4)
    tickets = _tickets(bare)

    assert len(tickets) == 40
    assert {(t.assignee_id, t.group_id, t.category_id, t.first_assigned_at) for t in tickets} \
        == {(None, None, None, None)}
    assert {t.custom_fields.__len__() for t in tickets} == {0}
    assert {c.sender_type for c in _conversations(bare)} == {"contact"}
    assert report.conversations == sum(t.conversation_count for t in tickets)


def test_sample_data_is_three_hundred_tickets_with_conversations(
    tenant: TenantFixture,
) -> None:
    report = generate_sample_data(tenant.database, tenant.settings, tenant.subdomain,
                                  clock=tenant.clock)

    tickets = _tickets(tenant)
    assert (report.tickets, len(tickets), report.first_number, report.last_number) == (
        300, 300, 1, 300)
    assert report.conversations == len(_conversations(tenant))
    assert sum(t.conversation_count for t in tickets) == report.conversations


def test_unknown_tenant_and_bad_arguments_are_refused(tenant: TenantFixture) -> None:
    with pytest.raises(NotFound, match="no tenant with subdomain 'nope'"):
        seed_tickets(tenant.database, subdomain="nope", tickets=10)
    with pytest.raises(BadRequest, match="must not be negative"):
        _seed(tenant, -1)
    with pytest.raises(BadRequest, match="between 0 and 1"):
        _seed(tenant, 10, conversation_share=1.5)
    assert _tickets(tenant) == []


def test_sqlite_connections_keep_full_durability_after_seeding(tenant: TenantFixture) -> None:
    database = tenant.database
    if database.dialect != "sqlite":
        pytest.skip("synchronous and cache_size are SQLite pragmas")
    with database.engine.connect() as connection:
        engine_default = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    _seed(tenant, 30, seed=8)

    # Check out every pooled connection at once, the seeding one among them.
    pooled = database.engine.pool.checkedin()  # type: ignore[attr-defined]
    assert pooled >= 1
    connections = [database.engine.connect() for _ in range(pooled)]
    try:
        settings = {
            (c.exec_driver_sql("PRAGMA synchronous").scalar(),
             c.exec_driver_sql("PRAGMA cache_size").scalar())
            for c in connections
        }
    finally:
        for connection in connections:
            connection.close()
    assert engine_default is not None
    assert engine_default < 0  # a size in KiB, as the engine sets it
    assert settings == {(2, engine_default)}


def test_tickets_created_after_a_seed_continue_its_numbering(
    client: TestClient, tenant: TenantFixture
) -> None:
    _seed(tenant, 25, seed=6, batch_size=10)

    created = client.post("/apis/v3/tickets/create",
                          json={"email": "after.seed@example.com", "subject": "After the seed"})

    assert created.status_code == 200, created.text
    assert created.json()["ticket_number"] == 26
    assert [t.number for t in _tickets(tenant)] == list(range(1, 27))


def test_search_finds_seeded_tickets_by_subject_and_contact(
    client: TestClient, tenant: TenantFixture
) -> None:
    _seed(tenant, 40, seed=12, batch_size=15)
    tickets = _tickets(tenant)
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        emails = dict(session.execute(select(Contact.id, Contact.primary_email)).all())
    target = tickets[17]
    email = emails[target.contact_id]

    by_contact = _search_numbers(client, email, codes=[6])
    word = max(re.findall(r"[A-Za-z]{5,}", target.subject), key=len)
    by_subject = _search_numbers(client, word, codes=[1])

    # Every ticket of the contact, and every ticket whose subject has the word.
    assert target.number in by_contact
    assert {t.number for t in tickets if emails[t.contact_id] == email} <= set(by_contact)
    assert target.number in by_subject
    assert {t.number for t in tickets
            if word.casefold() in re.findall(r"\w+", t.subject.casefold())} <= set(by_subject)


def _search_numbers(client: TestClient, query: str, codes: list[int]) -> list[int]:
    response = client.get("/apis/v3/tickets/search", params={
        "search_type": "1", "search_query": json.dumps({"query": query, "search_in": codes})})
    assert response.status_code == 200, response.text
    return sorted(ticket["ticket_number"] for ticket in response.json()["tickets"])


def test_seeded_custom_field_values_are_valid_for_their_fields(tenant: TenantFixture) -> None:
    _seed(tenant, 300, seed=13, conversation_share=0.0)
    with tenant.database.session(tenant_id=tenant.tenant_id) as session:
        fields = {str(f.id): f for f in session.scalars(select(CustomField))}
    seen: set[str] = set()
    for ticket in _tickets(tenant):
        for field_id, value in ticket.custom_fields.items():
            field = fields[field_id]
            seen.add(field.field_type)
            choices = [c["value"] if isinstance(c, dict) else c for c in field.choices or []]
            if field.field_type == "dropdown":
                assert value in choices
            elif field.field_type == "multi-select":
                assert value
                assert set(value) <= set(choices)
                assert len(value) == len(set(value))
            elif field.field_type in {"number"}:
                assert isinstance(value, int)
                assert 1 <= value <= 500
            elif field.field_type == "decimal":
                assert isinstance(value, float)
                assert 1 <= value <= 1000
            elif field.field_type == "date":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
            elif field.field_type == "checkbox":
                assert isinstance(value, bool)
            else:
                assert isinstance(value, str)
                assert value
    assert {"dropdown", "text"} <= seen


def test_seeding_writes_only_the_seeded_tenant(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    _seed(other_tenant, 30, seed=14)
    report = _seed(tenant, 45, seed=14, batch_size=20)

    with tenant.database.engine.connect() as connection:
        per_tenant = dict(connection.execute(
            select(Ticket.tenant_id, func.count()).group_by(Ticket.tenant_id)).all())
        conversations = dict(connection.execute(
            select(Conversation.tenant_id, func.count()).group_by(Conversation.tenant_id)
        ).all())
        if connection.dialect.name == "postgresql":
            indexed = dict(connection.execute(text(
                "SELECT tenant_id, count(*) FROM ticket_search GROUP BY tenant_id")).all())
            # The staging tables of the COPY path are gone with the seed.
            staging = connection.execute(text(
                "SELECT count(*) FROM pg_class WHERE relname LIKE 'seed_stage_%'")).scalar()
        else:
            indexed = {t.tenant_id: connection.execute(text(
                "SELECT count(*) FROM ticket_search WHERE rowid BETWEEN :low AND :high"),
                {"low": t.tenant_id << 40, "high": ((t.tenant_id + 1) << 40) - 1}).scalar()
                for t in (tenant, other_tenant)}
            staging = 0
    assert per_tenant == {other_tenant.tenant_id: 30, tenant.tenant_id: 45}
    assert indexed == per_tenant
    assert conversations[tenant.tenant_id] == report.conversations
    assert staging == 0
    assert [t.number for t in _tickets(tenant)] == list(range(1, 46))
    assert [t.number for t in _tickets(other_tenant)] == list(range(1, 31))


def test_postgresql_connections_are_left_as_the_engine_made_them(tenant: TenantFixture) -> None:
    database = tenant.database
    if database.dialect != "postgresql":
        pytest.skip("synchronous_commit and the COPY staging tables are PostgreSQL's")
    _seed(tenant, 30, seed=8)

    # Check out every pooled connection at once, the seeding one among them.
    pooled = database.engine.pool.checkedin()  # type: ignore[attr-defined]
    assert pooled >= 1
    connections = [database.engine.connect() for _ in range(pooled)]
    try:
        settings = {
            (c.exec_driver_sql("SHOW synchronous_commit").scalar(),
             c.exec_driver_sql("SELECT to_regclass('pg_temp.seed_stage_tickets')").scalar())
            for c in connections
        }
    finally:
        for connection in connections:
            connection.close()
    assert settings == {("on", None)}


def test_a_failed_batch_rolls_back_alone_and_the_next_seed_continues(
    tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = PostgresWriter if tenant.database.dialect == "postgresql" else SqliteWriter
    real_write = writer.write
    calls: list[int] = []

    def failing_write(self: Any, session: Any, tenant_id: int, batch: Batch) -> None:
        calls.append(batch.first)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real_write(self, session, tenant_id, batch)

    monkeypatch.setattr(writer, "write", failing_write)
    with pytest.raises(RuntimeError, match="disk full"):
        _seed(tenant, 100, seed=15, batch_size=20)
    monkeypatch.setattr(writer, "write", real_write)

    assert calls == [1, 21, 41]
    assert [t.number for t in _tickets(tenant)] == list(range(1, 41))
    report = _seed(tenant, 10, seed=16)
    assert (report.first_number, report.last_number) == (41, 50)
    assert [t.number for t in _tickets(tenant)] == list(range(1, 51))
