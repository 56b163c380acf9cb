"""Ticket search against a reference, on arbitrary input, and the index's own upkeep."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from supportdesk.db.migrate import alembic_config, upgrade
from supportdesk.search.backfill import index_every_ticket
from supportdesk.search.index import reindex_tickets
from supportdesk.search.models import SECTIONS
from supportdesk.seed import seed_tickets
from supportdesk.tickets.models import Ticket
from tests.factories import TenantFixture

URL = "/apis/v3/tickets/search"
# Words that no stemmer folds together and no stop list drops.
VOCABULARY = ("apple", "banana", "cherry", "delta", "falcon", "garden", "harbor", "island",
              "jungle", "kettle", "lantern", "meadow")


@dataclass
class Built:
    subjects: dict[int, list[str]]


@pytest.fixture
def built(client: TestClient) -> Built:
    rng = random.Random(3)
    subjects: dict[int, list[str]] = {}
    for _ in range(40):
        words = rng.sample(VOCABULARY, rng.randint(1, 4))
        response = client.post("/apis/v3/tickets/create", json={
            "email": "ref@example.com", "subject": " ".join(words).title(),
            "description": "<p>Unrelated text, a URL http://x.io/a-b and ü ß é.</p>"})
        subjects[response.json()["ticket_number"]] = words
    return Built(subjects)


def walk(client: TestClient, params: dict[str, str]) -> tuple[int, list[int]]:
    """The count and every ticket number, following ``next_page`` to the end."""
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    count, numbers = body["count"], [t["ticket_number"] for t in body["tickets"]]
    while "next_page" in body:
        body = client.get(body["next_page"]).json()
        assert body["count"] == count
        numbers += [t["ticket_number"] for t in body["tickets"]]
    return count, numbers


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3),
       shout=st.booleans())
def test_simple_word_queries_match_the_reference(client: TestClient, built: Built,
                                                 words: list[str], shout: bool) -> None:
    expected = sorted((n for n, subject in built.subjects.items()
                       if set(words) <= set(subject)), reverse=True)
    query = " ".join(reversed(words)).upper() if shout else " ".join(words)
    params = {"search_query": json.dumps({"query": query, "search_in": [1]}),
              "order_by": "created_time"}
    assert walk(client, params) == (len(expected), expected)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.sampled_from(VOCABULARY), cut=st.integers(min_value=1, max_value=4))
def test_prefixes_match_the_reference(client: TestClient, built: Built, word: str,
                                      cut: int) -> None:
    prefix = word[:cut]
    expected = sorted((n for n, subject in built.subjects.items()
                       if any(w.startswith(prefix) for w in subject)), reverse=True)
    params = {"search_query": json.dumps({"query": prefix + "*", "search_in": [1]}),
              "order_by": "created_time"}
    assert walk(client, params) == (len(expected), expected)


QUERY_TEXT = st.text(alphabet=st.sampled_from(
    [*"ab \"*'\\()-:^{}[]&|!<>@.,;+~%_NOTANDOR\t\n\u00e9\u00df\u4e2d\U0001f600", "\x00"]),
    max_size=40) | st.text(max_size=40)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERY_TEXT, codes=st.lists(st.integers(min_value=0, max_value=8), max_size=3),
       field=st.sampled_from(["subject", "ticket_number", "cf_Department", "cf_Employee ID",
                              "cf_", "x"]),
       advanced=st.booleans())
def test_arbitrary_queries_never_fail_the_server(client: TestClient, built: Built, query: str,
                                                 codes: list[int], field: str,
                                                 advanced: bool) -> None:
    document: dict[str, Any] = {"search_term": [{"query": query, "search_in": [field]}]} \
        if advanced else {"query": query, "search_in": codes}
    response = client.get(URL, params={"search_type": "2" if advanced else "1",
                                       "search_query": json.dumps(document)})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert set(response.json()) <= {"count", "tickets", "next_page"}
    else:
        assert set(response.json()) == {"status", "error", "message"}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(max_size=60) | st.from_regex(
    r'\{"query": ".{0,20}"(, "search_in": \[.{0,8}\])?\}', fullmatch=True))
def test_arbitrary_search_query_documents_never_fail(client: TestClient, built: Built,
                                                     raw: str) -> None:
    response = client.get(URL, params={"search_query": raw})
    assert response.status_code in (200, 400), response.text


def _index_rows(tenant: TenantFixture) -> list[tuple[str, ...]]:
    """Every index row of the tenant, as text (FTS5 columns or tsvectors)."""
    with tenant.database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.execute(text(
                "SELECT ticket_number::text, number::text, subject::text, "
                "attachments::text, custom::text, people::text, fields::text, "
                "description::text, conversations::text, document::text FROM ticket_search "
                "WHERE tenant_id = :t ORDER BY ticket_number"), {"t": tenant.tenant_id})
        else:
            rows = connection.execute(text(
                "SELECT rowid, * FROM ticket_search WHERE rowid BETWEEN :low AND :high "
                "ORDER BY rowid"),
                {"low": tenant.tenant_id << 40, "high": (tenant.tenant_id + 1) << 40})
        return [tuple(str(value) for value in row) for row in rows]


def test_bulk_seeding_indexes_every_ticket_as_the_services_would(
        tenant: TenantFixture) -> None:
    seed_tickets(tenant.database, subdomain=tenant.subdomain, tickets=60, batch_size=25,
                 conversation_share=0.5, clock=tenant.clock)
    seeded = _index_rows(tenant)
    assert len(seeded) == 60
    with tenant.unit() as unit:
        numbers = list(unit.session.scalars(select(Ticket.number)))
        reindex_tickets(unit.session, unit.tenant_id, numbers, unit.catalog.custom_fields)
        unit.commit()
    assert _index_rows(tenant) == seeded


def _some_tickets(client: TestClient) -> None:
    for subject in ("Backfill alpha", "The café backfill"):
        client.post("/apis/v3/tickets/create", json={
            "email": "b@example.com", "subject": subject,
            "custom_fields": {"cf_Department": "Billing", "cf_Employee ID": "E-42"}})
    client.post("/apis/v3/tickets/add_reply?ticket_number=2", json={"body": "gamma"})


def _found(client: TestClient, query: str) -> list[int]:
    body = client.get(URL, params={"search_query": json.dumps({"query": query})}).json()
    return [t["ticket_number"] for t in body["tickets"]]


def test_the_backfill_indexes_existing_tickets_as_the_services_do(
        client: TestClient, tenant: TenantFixture) -> None:
    _some_tickets(client)
    before = _index_rows(tenant)
    with tenant.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM ticket_search"))
    assert _index_rows(tenant) == []
    with tenant.database.engine.begin() as connection:
        index_every_ticket(connection)
    assert _index_rows(tenant) == before
    assert _found(client, "backfill gamma e-42") == [2]


def _section(tenant: TenantFixture, number: int, section: str) -> str:
    """A section of ticket ``number``'s document: its tsvector (PostgreSQL) or text (SQLite)."""
    assert section in SECTIONS
    with tenant.database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return str(connection.execute(text(
                f"SELECT {section}::text FROM ticket_search "
                "WHERE tenant_id = :t AND ticket_number = :n"),
                {"t": tenant.tenant_id, "n": number}).scalar_one())
        return str(connection.execute(text(
            f"SELECT {section} FROM ticket_search WHERE rowid = :r"),
            {"r": (tenant.tenant_id << 40) | number}).scalar_one())


def _configurations(tenant: TenantFixture) -> list[str]:
    with tenant.database.engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'supportdesk%'")).scalars())


def test_migration_0015_rebuilds_every_document_and_its_downgrade_restores_them(
        client: TestClient, tenant: TenantFixture, other_tenant: TenantFixture) -> None:
    _some_tickets(client)
    other = client.post("/apis/v3/tickets/create", headers={
        "Host": other_tenant.host, "Authorization": other_tenant.key},
        json={"email": "x@example.com", "subject": "The café at globex"})
    assert other.status_code == 200, other.text
    before = _index_rows(tenant)
    is_postgres = tenant.database.dialect == "postgresql"
    engine = tenant.database.engine
    try:
        command.downgrade(alembic_config(engine), "0014")
        # 0007 to 0014 wrote every document with the built-in 'english' (stop
        # words dropped, accents kept) and every word-valued custom field in
        # the custom section.
        if is_postgres:
            assert _configurations(tenant) == []
            assert _section(tenant, 2, "subject") == "'backfil':3 'café':2"
            assert _section(tenant, 2, "custom") == "'42':3 'bill':1 'e':2"
            assert _section(other_tenant, 1, "subject") == "'café':2 'globex':4"
        else:
            assert _section(tenant, 2, "subject") == "The café backfill"
            assert _section(tenant, 2, "custom") == "Billing\nE-42"
    finally:
        upgrade(engine)
    if is_postgres:
        assert _configurations(tenant) == ["supportdesk_search"]
        assert _section(tenant, 2, "subject") == "'backfil':3 'cafe':2 'the':1"
        assert _section(tenant, 2, "custom") == "'42':2 'e':1"
        assert _section(other_tenant, 1, "subject") == "'at':3 'cafe':2 'globex':4 'the':1"
    else:
        assert _section(tenant, 2, "custom") == "E-42"
    assert _index_rows(tenant) == before
    assert _found(client, "the cafe") == [2]
    assert _found(client, "backfill gamma e-42") == [2]
    assert _found(client, "billing") == []
