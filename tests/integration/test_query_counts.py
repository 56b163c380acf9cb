"""No N+1: the SQL statements one list call runs, pinned exactly.

Each call is made twice and the second one counted, so the tenant's catalog
is already cached (as it is in a running server). Transaction control the
driver layer sends as SQL (SQLite's ``BEGIN``) is counted too. The same call
must cost the same on a page of 3 tickets as on a full page of 30.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets import custom_field_plans
from tests.factories import TenantFixture

FILTERED = ('{"status": ["Open", "Pending", "Resolved", "Closed"], '
            '"priority": ["1", "5", "10", "20"]}')
# Company names are matched in the count and page statements themselves (no lookup first).
COMPANY_OR_UNSET = ('{"company_name": ["--", "Nope"], "priority": ["1", "5", "10", "20"], '
                    '"status": ["Open", "Pending", "Resolved", "Closed"]}')
# One custom field key: its count is read from ticket_field_counts (a statement),
# with ticket_counts' total for "--"; with another key it is counted in SQL, and
# on PostgreSQL the transaction is set to plan for its values (a statement).
CUSTOM_FIELD = '{"custom_fields": {"cf_Department": ["Sales", "Support", "Billing"]}}'
CUSTOM_FIELD_OR_UNSET = '{"custom_fields": {"cf_Department": ["--", "Sales"]}}'
CUSTOM_FIELD_AND_STATUS = ('{"custom_fields": {"cf_Department": ["Sales", "Support", "Billing"]},'
                           ' "status": ["Open", "Pending", "Resolved", "Closed"]}')
# (path, statements on SQLite, statements on PostgreSQL)
CASES = [
    pytest.param("/apis/v3/tickets", 5, 4, id="tickets default page"),
    pytest.param("/apis/v3/tickets?include_custom_fields=1", 5, 4, id="tickets custom fields"),
    pytest.param("/apis/v3/tickets?include_custom_fields=1&nested_fields=1", 5, 4,
                 id="tickets nested fields"),
    pytest.param(f"/apis/v3/tickets?ticket_count=100&filters={FILTERED}", 5, 4,
                 id="tickets filtered"),
    # Past the middle the page is picked from the other end: still one page query.
    pytest.param("/apis/v3/tickets?offset=2", 5, 4, id="tickets deep page"),
    pytest.param(f"/apis/v3/tickets?filters={COMPANY_OR_UNSET}", 5, 4,
                 id="tickets company filter"),
    pytest.param(f"/apis/v3/tickets?filters={CUSTOM_FIELD}", 5, 5,
                 id="tickets custom field filter"),
    pytest.param(f"/apis/v3/tickets?filters={CUSTOM_FIELD_OR_UNSET}", 6, 6,
                 id="tickets custom field or unset"),
    pytest.param(f"/apis/v3/tickets?filters={CUSTOM_FIELD_AND_STATUS}", 6, 6,
                 id="tickets custom field and status"),
    pytest.param("/apis/v3/contacts", 6, 5, id="contacts"),
    pytest.param("/apis/v3/companies", 6, 5, id="companies"),
]


@contextmanager
def counting(tenant: TenantFixture) -> Iterator[list[str]]:
    """Collect every statement sent to the database while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = tenant.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_of(client: TestClient, tenant: TenantFixture, path: str) -> list[str]:
    assert client.get(path).status_code == 200  # warms the catalog cache
    with counting(tenant) as statements:
        answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return statements


@pytest.mark.parametrize(("path", "on_sqlite", "on_postgresql"), CASES)
def test_a_list_call_runs_a_fixed_number_of_statements(
    client: TestClient, tenant: TenantFixture, path: str, on_sqlite: int, on_postgresql: int,
) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=3, contacts=3, clock=tenant.clock)
    few = statements_of(client, tenant, path)
    seed_tickets(tenant.database, subdomain="acme", tickets=60, contacts=40, seed=1,
                 clock=tenant.clock)
    full = statements_of(client, tenant, path)
    expected = on_sqlite if tenant.database.dialect == "sqlite" else on_postgresql
    assert len(full) == expected, "\n".join(full)
    assert len(few) == len(full), "\n".join([*few, "--- full page:", *full])


def test_a_custom_field_combination_probing_runs_one_more_statement(
    client: TestClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not driven by its values, the count first reads the status's kept count."""
    monkeypatch.setattr(custom_field_plans, "DRIVING_ROWS", -1)
    seed_tickets(tenant.database, subdomain="acme", tickets=60, contacts=40,
                 clock=tenant.clock)
    statements = statements_of(client, tenant,
                               f"/apis/v3/tickets?filters={CUSTOM_FIELD_AND_STATUS}")
    # The value counts, the status's kept count, the count and the page, after
    # authentication and the transaction's set-up (on PostgreSQL its SET LOCAL).
    assert len(statements) == 7, "\n".join(statements)


def test_the_full_page_really_has_many_rows(client: TestClient, tenant: TenantFixture) -> None:
    """The pinned counts above are measured on full pages, not on empty ones."""
    seed_tickets(tenant.database, subdomain="acme", tickets=60, contacts=40, clock=tenant.clock)
    assert len(client.get("/apis/v3/tickets").json()["tickets"]) == 30
    assert len(client.get(f"/apis/v3/tickets?ticket_count=100&filters={FILTERED}")
               .json()["tickets"]) == 60
    contacts = client.get("/apis/v3/contacts").json()
    companies = client.get("/apis/v3/companies").json()
    assert contacts["count"] == 40
    assert len(contacts["content"]) == 30
    assert companies["count"] >= 2
    assert len(companies["content"]) == min(companies["count"], 30)


# (statements on SQLite, statements on PostgreSQL) of one create, counted from
# authentication to the answer: the write transaction itself is the contact
# lookup, the ticket number, the ticket, its search document and its counters;
# custom field values add their rows and their counts (two statements).
# On SQLite the create is a savepoint of a group transaction (db.group_commit):
# SAVEPOINT and RELEASE are its own; the BEGIN IMMEDIATE counted here (and the
# COMMIT, which the driver sends without a statement) is shared by every create
# in the batch, here a batch of one.
CREATE_KNOWN_CONTACT = (10, 7)
CREATE_NEW_CONTACT = (16, 14)
CREATE_WITH_CUSTOM_FIELDS = (12, 9)


def create_statements(client: TestClient, tenant: TenantFixture, email: str,
                      custom_fields: dict[str, Any] | None = None) -> list[str]:
    body = {"email": email, "subject": "Counted", "description": "<p>Counted</p>",
            "priority": 10, "status": "Open", "custom_fields": custom_fields or {}}
    with counting(tenant) as statements:
        answer = client.post("/apis/v3/tickets/create", json=body)
    assert answer.status_code == 200, answer.text
    return statements


def test_a_create_runs_a_fixed_number_of_statements(
    client: TestClient, tenant: TenantFixture,
) -> None:
    assert client.post("/apis/v3/tickets/create", json={
        "email": "known@example.com", "subject": "First"}).status_code == 200
    known = create_statements(client, tenant, "known@example.com")
    new = create_statements(client, tenant, "new@example.com")
    index = 0 if tenant.database.dialect == "sqlite" else 1
    assert len(known) == CREATE_KNOWN_CONTACT[index], "\n".join(known)
    assert len(new) == CREATE_NEW_CONTACT[index], "\n".join(new)
    custom = create_statements(client, tenant, "known@example.com", {
        "cf_Department": "Sales", "cf_Employee ID": "EMP-1"})
    assert len(custom) == CREATE_WITH_CUSTOM_FIELDS[index], "\n".join(custom)
