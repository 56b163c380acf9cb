"""The ticket list's queries use an index: for the default order, each filter key, deep pages.

The statements are the ones a list call really sends (captured from the
engine while the endpoint runs), explained with the same parameters: on
SQLite ``EXPLAIN QUERY PLAN`` must not show a full ``SCAN tickets``; on
PostgreSQL, whose planner rightly seq-scans a tiny table, sequential scans
are switched off for the ``EXPLAIN`` and the plan must reach ``tickets``
through an Index (Only) Scan or a Bitmap Index Scan.

No filter and one filter key of ``ID_KEYS`` are counted from ``ticket_counts``
(``tickets/counters.py``), and one ``custom_fields`` key from
``ticket_field_counts`` (``tickets/field_values.py``): those calls send no
count over ``tickets`` at all. Custom field terms reach ``ticket_field_values``
through its primary key or its ticket index, never by scanning it.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text

from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets import custom_field_plans
from supportdesk.tickets.filters import filter_clauses, parse_filters
from supportdesk.tickets.models import Ticket
from tests.factories import TenantFixture
from tests.plans import plan

# Per filter key: a value the seeded tickets have, and the column its index leads with.
# ``custom_fields`` has its own tests below (its values have their own table).
FILTERS: dict[str, tuple[list[str], str]] = {
    "status": (["Open"], "status_id"),
    "priority": (["20"], "priority"),
    "type": (["Question"], "type_id"),
    "group": (["Sales"], "group_id"),
    "assigned_to": (["alex.morgan@demo.example"], "assignee_id"),
    "category": (["Hardware"], "category_id"),
    "subcategory": (["Printer"], "subcategory_id"),
    "source": (["1"], "source"),
    "contact": (["{contact}"], "contact_id"),
    "company_name": (["{company}"], "company_id"),
}
# Keys counted in SQL (not from ticket_counts) when they are the only key.
COUNTED_IN_SQL = {"contact", "company_name"}
INDEX_ON_TICKETS = re.compile(
    r"(Index Scan|Index Only Scan)( Backward)? using (ix|pk)_tickets\S* on tickets"
    r"|Bitmap Index Scan on (ix|pk)_tickets")
ORDERS = ["", "order_by=updated_time", "order_type=asc"]
TABLES = ("tickets", "ticket_counts", "ticket_field_counts", "ticket_field_values")


def captured(client: TestClient, tenant: TenantFixture, path: str) \
        -> list[tuple[str, Any]]:
    """The statements on ``tickets`` that one call sends, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if any(f"FROM {table}" in statement for table in TABLES):
            seen.append((statement, parameters))

    engine = tenant.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert answer.status_code == 200, answer.text
    assert answer.json()["tickets"], f"{path} matched no ticket: the plan would be untested"
    return seen


def assert_uses_an_index(tenant: TenantFixture, statement: str, parameters: Any,
                         seek: str | None = None) -> None:
    """No full scan of tickets; with ``seek`` (SQLite), an index seek on that column."""
    lines = plan(tenant, statement, parameters)
    shown = "\n".join([statement, *lines])
    if tenant.database.dialect == "sqlite":
        on_tickets = [line for line in lines if line.split()[1:2] == ["tickets"]]
        assert on_tickets, shown
        assert all("USING" in line for line in on_tickets), shown
        if seek is not None:
            assert any(f"(tenant_id=? AND {seek}" in line for line in on_tickets), shown
    else:
        assert not any("Seq Scan on tickets" in line for line in lines), shown
        assert any(INDEX_ON_TICKETS.search(line) for line in lines), shown


@pytest.fixture
def seeded(tenant: TenantFixture) -> dict[str, str]:
    """200 seeded tickets; a contact and a company that have tickets."""
    seed_tickets(tenant.database, subdomain="acme", tickets=200, contacts=20,
                 clock=tenant.clock)
    with tenant.database.engine.connect() as connection:
        contact, company = connection.execute(text(
            "SELECT c.primary_email, co.name FROM tickets t "
            "JOIN contacts c ON c.tenant_id = t.tenant_id AND c.id = t.contact_id "
            "JOIN companies co ON co.tenant_id = t.tenant_id AND co.id = t.company_id "
            "ORDER BY t.number LIMIT 1")).one()
    return {"contact": contact, "company": company}


def assert_counted_from_counters(statement: str) -> None:
    assert statement.startswith("SELECT coalesce(sum(ticket_counts.count)"), statement
    assert "FROM tickets" not in statement, statement


@pytest.mark.parametrize("order", ORDERS)
def test_the_default_list_uses_an_index(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str], order: str,
) -> None:
    (count, _), (page, page_parameters) = captured(client, tenant, f"/apis/v3/tickets?{order}")
    assert_counted_from_counters(count)
    assert_uses_an_index(tenant, page, page_parameters)


@pytest.mark.parametrize("offset", [90, 150, 170])
@pytest.mark.parametrize("order", ORDERS)
def test_a_deep_page_picks_its_numbers_on_the_order_index(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str], order: str, offset: int,
) -> None:
    """The rows skipped are index entries only: the inner query is covered by the index."""
    (_, _), (page, parameters) = captured(client, tenant,
                                          f"/apis/v3/tickets?offset={offset}&{order}")
    assert_uses_an_index(tenant, page, parameters)
    if tenant.database.dialect == "sqlite":
        index = "ix_tickets_tenant_updated" if "updated" in order else \
            "ix_tickets_tenant_created"
        lines = plan(tenant, page, parameters)
        assert any(f"USING COVERING INDEX {index} (tenant_id=?)" in line for line in lines), \
            "\n".join([page, *lines])


@pytest.mark.parametrize("key", sorted(FILTERS))
def test_a_list_filtered_on_one_key_uses_an_index(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str], key: str,
) -> None:
    values, column = FILTERS[key]
    filters = quote(json.dumps({key: [value.format(**seeded) for value in values]}))
    (count, count_parameters), (page, page_parameters) = \
        captured(client, tenant, f"/apis/v3/tickets?filters={filters}")
    if key in COUNTED_IN_SQL:
        assert count.startswith("SELECT count(*)")
        # The count must seek on the filter's own index; the page may walk the
        # created_at index instead (it needs that order and stops after a page).
        assert_uses_an_index(tenant, count, count_parameters, seek=column)
    else:
        assert_counted_from_counters(count)
    assert_uses_an_index(tenant, page, page_parameters)


@pytest.mark.parametrize("key", sorted(FILTERS))
def test_a_count_in_sql_seeks_on_each_keys_index(
    tenant: TenantFixture, seeded: dict[str, str], key: str,
) -> None:
    """Counted in SQL (as combinations and ``updated_since`` are), each key seeks its index."""
    values, column = FILTERS[key]
    flt = parse_filters(json.dumps({key: [value.format(**seeded) for value in values]}))
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM tickets" in statement:
            seen.append((statement, parameters))

    with tenant.unit() as unit:
        event.listen(tenant.database.engine, "before_cursor_execute", record)
        try:
            total = unit.session.scalar(select(func.count()).select_from(Ticket).where(
                *filter_clauses(flt, unit.catalog)))
        finally:
            event.remove(tenant.database.engine, "before_cursor_execute", record)
    assert total, "the filter matched no ticket: the plan would be untested"
    ((statement, parameters),) = seen
    assert_uses_an_index(tenant, statement, parameters, seek=column)


def test_a_combination_of_keys_is_counted_on_an_index(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str],
) -> None:
    document = {key: [value.format(**seeded) for value in values]
                for key, (values, _) in FILTERS.items()}
    document["status"] = ["Open", "Pending", "Resolved", "Closed"]
    document["priority"] = ["1", "5", "10", "20"]
    document["type"] = ["--", "Question", "Incident", "Problem", "Feature Request"]
    document["group"] = ["--", "Sales", "Support"]
    document["assigned_to"] = ["--", *document["assigned_to"]]
    document["category"] = ["--", "Hardware", "Software"]
    document["subcategory"] = ["--", "Printer", "Laptop"]
    document["source"] = [str(code) for code in range(20)]
    (count, count_parameters), (page, page_parameters) = captured(
        client, tenant, f"/apis/v3/tickets?filters={quote(json.dumps(document))}")
    assert count.startswith("SELECT count(*)")
    assert_uses_an_index(tenant, count, count_parameters)
    assert_uses_an_index(tenant, page, page_parameters)


def test_a_selective_filter_sorts_its_matches_and_a_broad_one_walks_the_order(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str],
) -> None:
    """SQLite has no statistics to choose between the two; the listing chooses by count.

    Walking the order index reads about page * tickets / matches rows; reading the
    matches on the facets index and sorting them reads the matches. PostgreSQL's
    planner makes the choice itself.
    """
    with tenant.database.engine.connect() as connection:
        # The rarest status and priority pair the seeded tickets have.
        status, priority = connection.execute(text(
            "SELECT s.name, t.priority FROM tickets t JOIN statuses s "
            "ON s.tenant_id = t.tenant_id AND s.id = t.status_id "
            "GROUP BY s.name, t.priority ORDER BY count(*), s.name, t.priority LIMIT 1")).one()
    selective = quote(json.dumps({"status": [status], "priority": [str(priority)]}))
    broad = quote(json.dumps({"status": ["Open", "Pending", "Resolved", "Closed"],
                              "priority": ["1", "5", "10", "20"]}))
    (_, _), (sorted_page, sorted_parameters) = captured(
        client, tenant, f"/apis/v3/tickets?filters={selective}")
    (_, _), (walked_page, walked_parameters) = captured(
        client, tenant, f"/apis/v3/tickets?filters={broad}")
    assert_uses_an_index(tenant, sorted_page, sorted_parameters)
    assert_uses_an_index(tenant, walked_page, walked_parameters)
    if tenant.database.dialect != "sqlite":
        assert "(+ tickets.created_at)" not in sorted_page
        return
    sorted_plan = "\n".join(plan(tenant, sorted_page, sorted_parameters))
    walked_plan = "\n".join(plan(tenant, walked_page, walked_parameters))
    assert "USING COVERING INDEX ix_tickets_tenant_facets" in sorted_plan, sorted_plan
    assert "USE TEMP B-TREE FOR ORDER BY" in sorted_plan, sorted_plan
    assert "USING INDEX ix_tickets_tenant_created (tenant_id=?)" in walked_plan, walked_plan
    assert "TEMP B-TREE" not in walked_plan, walked_plan


# -- custom_fields -----------------------------------------------------------------------

SALES = {"cf_Department": ["Sales"]}
DRIVING = pytest.mark.parametrize("driving_rows", [custom_field_plans.DRIVING_ROWS, -1],
                                  ids=["from-the-values", "probing"])


def assert_values_by_index(tenant: TenantFixture, statement: str, parameters: Any) -> None:
    """``ticket_field_values`` is read through one of its indexes, never scanned."""
    lines = plan(tenant, statement, parameters)
    shown = "\n".join([statement, *lines])
    if tenant.database.dialect == "sqlite":
        on_values = [line for line in lines if line.split()[1:2] == ["ticket_field_values"]]
        assert on_values, shown
        assert all("USING" in line and "(tenant_id=? AND" in line for line in on_values), shown
    else:
        assert not any("Seq Scan on ticket_field_values" in line for line in lines), shown
        assert any(re.search(r"(pk|ix)_ticket_field_values", line) for line in lines), shown


@DRIVING
@pytest.mark.parametrize("values", [["Sales"], ["Sales", "Billing"], ["--"], ["Sales", "--"]])
def test_a_list_filtered_on_one_custom_field_counts_without_tickets(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str], values: list[str],
    driving_rows: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The count sums ``ticket_field_counts``; the page reaches both tables by index."""
    monkeypatch.setattr(custom_field_plans, "DRIVING_ROWS", driving_rows)
    filters = quote(json.dumps({"custom_fields": {"cf_Department": values}}))
    statements = captured(client, tenant, f"/apis/v3/tickets?filters={filters}")
    *counting, (page, parameters) = statements
    assert counting[0][0].startswith("SELECT ticket_field_counts.value"), counting
    if "--" in values:
        assert_counted_from_counters(counting[1][0])
    assert len(counting) == 1 + ("--" in values), counting
    assert_uses_an_index(tenant, page, parameters)
    assert_values_by_index(tenant, page, parameters)
    drives = driving_rows >= 0 and "--" not in values
    assert ("candidates" in page) == drives, page


@DRIVING
@pytest.mark.parametrize("document", [
    {"custom_fields": SALES, "status": ["Open", "Pending", "Resolved", "Closed"]},
    {"custom_fields": {"cf_Department": ["--"]}, "priority": ["1", "5", "10", "20"]},
    {"custom_fields": {**SALES, "cf_Employee ID": ["--", "EMP-00001"]}},
], ids=["with status", "unset with priority", "two fields"])
def test_a_combination_with_custom_fields_is_counted_on_indexes(
    client: TestClient, tenant: TenantFixture, seeded: dict[str, str],
    document: dict[str, Any], driving_rows: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(custom_field_plans, "DRIVING_ROWS", driving_rows)
    statements = captured(client, tenant,
                          f"/apis/v3/tickets?filters={quote(json.dumps(document))}")
    (count, count_parameters), (page, page_parameters) = statements[-2:]
    assert count.startswith("SELECT count(*)"), count
    for statement, parameters in ((count, count_parameters), (page, page_parameters)):
        assert_uses_an_index(tenant, statement, parameters)
        assert_values_by_index(tenant, statement, parameters)
