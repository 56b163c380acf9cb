"""What a search reads: the count only the index, a page only its tickets (by number).

The statements are the ones a search call really sends (captured from the
engine while the endpoint runs), explained with the same parameters. Every
match is read as an index entry; ``tickets`` is reached by number (the page
and, for relevance, its ties) or through the covered order index, never scanned
and never joined to every match for the count.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from supportdesk.db.rls import search_match_is_leakproof
from supportdesk.seed.bulk import seed_tickets
from tests.factories import TenantFixture
from tests.plans import plan
from tests.search_ways import WAYS, force_way

# Every seeded contact's address ends in .example: this matches every ticket.
EVERYTHING = json.dumps({"query": "example", "search_in": [6]})
BY_NUMBER = "(tenant_id=? AND number=?)"
PG_TICKET_INDEX = re.compile(r"using (\S+) on tickets|Bitmap Index Scan on ((?:pk|ix)_tickets\S*)")


@pytest.fixture
def seeded(tenant: TenantFixture) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=200, contacts=20,
                 conversation_share=0.0, clock=tenant.clock)


def captured(client: TestClient, tenant: TenantFixture, **params: str) -> list[tuple[str, Any]]:
    """The statements on the index or on tickets that one search call sends."""
    seen, answer = sent(client, tenant, EVERYTHING, **params)
    assert answer["count"] == 200
    assert len(answer["tickets"]) == 30
    return seen


def sent(client: TestClient, tenant: TenantFixture, search_query: str,
         **params: str) -> tuple[list[tuple[str, Any]], Any]:
    """The statements on the index or on tickets one search call sends, and its answer."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "ticket_search" in statement or "FROM tickets" in statement:
            seen.append((statement, parameters))

    engine = tenant.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = client.get("/apis/v3/tickets/search",
                            params={"search_query": search_query, **params})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert answer.status_code == 200, answer.text
    return seen, answer.json()


def reads_of_tickets(tenant: TenantFixture, statement: str, parameters: Any) -> list[str]:
    """How the plan reads ``tickets``: SQLite's plan lines, PostgreSQL's index names.

    Fails on a full scan of ``tickets``.
    """
    lines = plan(tenant, statement, parameters)
    shown = "\n".join([statement, *lines])
    if tenant.database.dialect == "sqlite":
        reads = [line for line in lines if line.split()[1:2] == ["tickets"]]
        assert all("USING" in line for line in reads), shown
        return reads
    assert not any("Seq Scan on tickets" in line for line in lines), shown
    return [match.group(1) or match.group(2) for line in lines
            if (match := PG_TICKET_INDEX.search(line))]


def assert_count_reads_the_index_only(tenant: TenantFixture, statement: str,
                                      parameters: Any) -> None:
    assert statement.startswith("SELECT count(*)"), statement
    assert "tickets" not in statement.replace("ticket_search", ""), statement
    assert "bm25" not in statement, statement
    assert "ts_rank" not in statement, statement
    assert reads_of_tickets(tenant, statement, parameters) == []


def assert_reads_tickets_by_number(tenant: TenantFixture, statement: str,
                                   parameters: Any) -> None:
    reads = reads_of_tickets(tenant, statement, parameters)
    assert reads, statement
    if tenant.database.dialect == "sqlite":
        assert all(line.endswith(BY_NUMBER) for line in reads), reads
    else:
        assert set(reads) == {"pk_tickets"}, reads


def assert_reads_the_page(tenant: TenantFixture, statement: str, parameters: Any) -> None:
    """The page's 30 tickets are read by number (on PostgreSQL: through an index).

    With 200 tickets PostgreSQL may reach 30 of them through another index of
    tickets (a contact's), which is as good at this size.
    """
    assert "tickets.number IN (" in statement, statement
    if tenant.database.dialect == "sqlite":
        assert_reads_tickets_by_number(tenant, statement, parameters)
    else:
        assert reads_of_tickets(tenant, statement, parameters), statement


@pytest.mark.parametrize("order_type", ["desc", "asc"])
@pytest.mark.parametrize("offset", ["0", "150"])
def test_a_relevance_page_reads_tickets_by_number_or_walks_the_order_index(
        client: TestClient, tenant: TenantFixture, seeded: None, offset: str,
        order_type: str) -> None:
    statements = captured(client, tenant, offset=offset, order_type=order_type)
    if tenant.database.dialect == "sqlite":
        (count, count_parameters), (window, parameters), (rows, row_parameters) = statements
        assert_count_reads_the_index_only(tenant, count, count_parameters)
    else:  # the count comes out of the scoring pass
        (window, parameters), (rows, row_parameters) = statements
        assert "count(*)" in window
    assert window.startswith("WITH matched AS MATERIALIZED"), window
    # Two ways, one chosen as it runs: look the page's ties up by number, or
    # walk the covered order index keeping them.
    reads = reads_of_tickets(tenant, window, parameters)
    if tenant.database.dialect == "sqlite":
        assert sorted(line.split(" USING ")[1] for line in reads) == [
            "COVERING INDEX ix_tickets_tenant_created (tenant_id=?)",
            f"INDEX sqlite_autoindex_tickets_1 {BY_NUMBER}"], reads
    else:
        # Which index of tickets the walk takes is the planner's choice at this
        # size; that it keeps the ties by probing a hashed set is the point.
        assert "pk_tickets" in reads, reads
        assert any("hashed SubPlan" in line for line in plan(tenant, window, parameters))
    assert_reads_the_page(tenant, rows, row_parameters)


@pytest.mark.parametrize("order", ["created_time", "updated_time"])
@pytest.mark.parametrize("way", sorted(WAYS))
def test_a_time_ordered_page_walks_the_order_index_or_looks_matches_up(
        client: TestClient, tenant: TenantFixture, seeded: None, order: str, way: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    force_way(monkeypatch, way)
    (count, count_parameters), (numbers, parameters), (rows, row_parameters) = \
        captured(client, tenant, order_by=order, offset="120")
    assert_count_reads_the_index_only(tenant, count, count_parameters)
    reads = reads_of_tickets(tenant, numbers, parameters)
    assert reads, numbers
    if tenant.database.dialect == "sqlite":
        index = "ix_tickets_tenant_updated" if order == "updated_time" else \
            "ix_tickets_tenant_created"
        expected = f"USING INDEX sqlite_autoindex_tickets_1 {BY_NUMBER}" if way == "lookup" \
            else f"USING COVERING INDEX {index} (tenant_id=?)"
        assert all(line.endswith(expected) for line in reads), reads
    else:
        # Which index walks tickets is the planner's choice at this size; how
        # the matches are tested is the way's.
        lines = "\n".join(plan(tenant, numbers, parameters))
        if way == "probe":
            assert "Index Scan using pk_ticket_search on ticket_search" in lines, lines
            assert "hashed SubPlan" not in lines, lines
        elif way == "walk":
            assert "hashed SubPlan" in lines, lines
        else:
            assert "pk_tickets" in reads, lines
    assert_reads_the_page(tenant, rows, row_parameters)


# -- PostgreSQL: the GIN index --------------------------------------------------------------

GIN_READ = "Bitmap Index Scan on ix_ticket_search_tenant_id_document"
RARE = 5
RARE_SEARCH = json.dumps({"query": "zebra", "search_in": [1, 2]})
GIN_CASES = pytest.mark.parametrize(("order", "way"), [
    ("relevance", "walk"), ("relevance", "lookup"), ("created_time", "walk"),
    ("created_time", "lookup"), ("updated_time", "lookup")])


@pytest.fixture
def rare_among_many(client: TestClient, tenant: TenantFixture) -> list[int]:
    """3,000 seeded tickets and RARE that say "zebra", the index vacuumed and analyzed.

    Returns the zebra tickets newest first. With that many rows, reading
    every index row costs the planner more than the GIN index does. VACUUM
    (autovacuum's work on a live database) also empties the GIN index's
    pending list, which the bulk insert filled and the planner would count
    as read on every search.
    """
    if tenant.database.dialect != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    seed_tickets(tenant.database, subdomain="acme", tickets=3000, contacts=50,
                 conversation_share=0.0, clock=tenant.clock)
    numbers = []
    for index in range(RARE):
        tenant.clock.advance(minutes=1)
        response = client.post("/apis/v3/tickets/create", json={
            "email": "pat@example.com", "subject": f"Zebra crossing {index}"})
        assert response.status_code == 200, response.text
        numbers.append(int(response.json()["ticket_number"]))
    with tenant.database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM (ANALYZE) ticket_search, tickets"))
    return numbers[::-1]


def statements_on_the_index(client: TestClient, tenant: TenantFixture, expected: list[int],
                            order: str) -> list[tuple[str, Any]]:
    """The statements on ``ticket_search`` that a search for the rare word sends."""
    statements, answer = sent(client, tenant, RARE_SEARCH, order_by=order)
    assert answer["count"] == RARE
    assert [t["ticket_number"] for t in answer["tickets"]] == expected
    on_index = [(statement, parameters) for statement, parameters in statements
                if "ticket_search" in statement]
    # Time orders count first; relevance counts in its scoring statement.
    assert len(on_index) == (1 if order == "relevance" else 2), on_index
    return on_index


def planned(tenant: TenantFixture, statement: str, parameters: Any, *,
            lift_policy: bool) -> list[str]:
    """PostgreSQL's own plan (sequential scans allowed) for ``statement``.

    ``lift_policy`` plans it with ``ticket_search``'s tenant policy lifted,
    in a transaction that is rolled back: the plan the statement has when
    row-level security is not in the way.
    """
    with tenant.database.engine.connect() as connection:
        if lift_policy:
            connection.execute(text("ALTER TABLE ticket_search NO FORCE ROW LEVEL SECURITY"))
        connection.execute(text("SET LOCAL enable_seqscan = on"))
        lines = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}",
                                                              parameters)]
        connection.rollback()
    return lines


def assert_reads_through_the_gin_index(statement: str, lines: list[str]) -> None:
    shown = "\n".join([statement, *lines])
    assert any(GIN_READ in line for line in lines), shown
    assert not any("Seq Scan on ticket_search" in line for line in lines), shown


@GIN_CASES
def test_postgres_finds_a_rare_words_matches_through_the_gin_index(
        client: TestClient, tenant: TenantFixture, rare_among_many: list[int], order: str,
        way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count and the page find the matches through the GIN index, never a scan.

    Planned with the tenant policy lifted; the test below plans it under the policy. The
    probe way (a time order walking tickets and testing each one's own index
    row by primary key) reads no other match, so it has no GIN read to show.
    """
    force_way(monkeypatch, way)
    for statement, parameters in statements_on_the_index(client, tenant, rare_among_many,
                                                          order):
        assert_reads_through_the_gin_index(
            statement, planned(tenant, statement, parameters, lift_policy=True))


@GIN_CASES
def test_postgres_finds_a_rare_words_matches_through_the_gin_index_under_the_policy(
        client: TestClient, tenant: TenantFixture, rare_among_many: list[int], order: str,
        way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the application really runs (an ordinary role, the policy forced).

    Only with ``@@`` marked LEAKPROOF (``db.rls``; the suite's database is set
    up as docs/operations.md tells operators) may the policy's condition and
    the match both be conditions of the index.
    """
    with tenant.database.engine.connect() as connection:
        assert search_match_is_leakproof(connection)
    force_way(monkeypatch, way)
    for statement, parameters in statements_on_the_index(client, tenant, rare_among_many,
                                                          order):
        assert_reads_through_the_gin_index(
            statement, planned(tenant, statement, parameters, lift_policy=False))
