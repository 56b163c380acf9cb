"""The custom field value index always matches the tickets.

After creates, updates (set, change, clear), failed updates, field definition
changes, bulk seeding and migration 0014's backfill, ``ticket_field_values``
holds exactly the rows a plain reference derives from every ticket's
``custom_fields``, and ``ticket_field_counts`` their counts; filters on each
field type find the tickets the reference finds, and the list's count agrees.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from supportdesk.customfields.service import create_field
from supportdesk.db.migrate import alembic_config, upgrade
from supportdesk.errors import BadRequest
from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets import custom_field_plans
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.service import NewTicket, TicketChanges, create_ticket, update_ticket
from tests.factories import TenantFixture, conflict

# The demo tenant's fields (ids 1 and 2) and the ones ``more_fields`` adds.
DEPARTMENT, EMPLOYEE, TAGS, COUNT, AMOUNT, DUE, URGENT, NOTES = range(1, 9)
TYPES = {DEPARTMENT: "dropdown", EMPLOYEE: "text", TAGS: "multi-select", COUNT: "number",
         AMOUNT: "decimal", DUE: "date", URGENT: "checkbox", NOTES: "paragraph"}

Rows = set[tuple[int, int, str, int]]


def reference_rows(tickets: list[tuple[int, int, dict[str, Any]]]) -> Rows:
    """(tenant, field, value, number) for each stored value, written out per type."""
    rows: Rows = set()
    for tenant_id, number, custom in tickets:
        for key, value in custom.items():
            kind = TYPES[int(key)]
            if kind == "paragraph":
                continue
            if kind == "multi-select":
                texts = list(value)
            elif kind == "checkbox":
                texts = ["true" if value else "false"]
            elif kind == "decimal":
                texts = [repr(float(value))]
            else:
                texts = [str(value)]
            rows.update((tenant_id, int(key), item, number) for item in texts)
    return rows


def stored_rows(tenant: TenantFixture) -> Rows:
    """Every tenant's rows, read without tenant scoping."""
    with tenant.database.engine.connect() as connection:
        found = connection.execute(text(
            "SELECT tenant_id, field_id, value, ticket_number FROM ticket_field_values"))
        return {(tenant_id, field_id, value, number)
                for tenant_id, field_id, value, number in found}


def stored_counts(tenant: TenantFixture) -> dict[tuple[int, int, str], int]:
    """Every tenant's kept counts that are not zero."""
    with tenant.database.engine.connect() as connection:
        found = connection.execute(text(
            "SELECT tenant_id, field_id, value, count FROM ticket_field_counts"))
        return {(tenant_id, field_id, value): count
                for tenant_id, field_id, value, count in found if count}


def counts_of(rows: Rows) -> dict[tuple[int, int, str], int]:
    """What the kept counts must be: per value, and per field ('') tickets with any."""
    counts: Counter[tuple[int, int, str]] = Counter(
        (tenant_id, field_id, value) for tenant_id, field_id, value, _number in rows)
    counts.update((tenant_id, field_id, "") for tenant_id, field_id, _number
                  in {(t, f, n) for t, f, _v, n in rows})
    return dict(counts)


def assert_in_step(tenant: TenantFixture) -> Rows:
    """The rows and the counts are what the tickets say; returns the rows."""
    rows = stored_rows(tenant)
    assert rows == expected_rows(tenant)
    assert stored_counts(tenant) == counts_of(rows)
    return rows


def expected_rows(tenant: TenantFixture) -> Rows:
    with tenant.database.engine.connect() as connection:
        tickets = connection.execute(text(
            "SELECT tenant_id, number, custom_fields FROM tickets")).all()
    return reference_rows([
        (tenant_id, number, json.loads(custom) if isinstance(custom, str) else custom)
        for tenant_id, number, custom in tickets])


@pytest.fixture
def more_fields(tenant: TenantFixture) -> None:
    """A field of every other type, ids 3 to 8."""
    with tenant.unit() as unit:
        create_field(unit.session, label="Tags", field_type="multi-select",
                     choices=["Red", "Green", "Blue"])
        for label, kind in (("Count", "number"), ("Amount", "decimal"), ("Due", "date"),
                            ("Urgent", "checkbox"), ("Notes", "paragraph")):
            create_field(unit.session, label=label, field_type=kind)
        unit.commit()


def create(tenant: TenantFixture, custom: dict[str, Any]) -> int:
    with tenant.unit() as unit:
        view = create_ticket(unit, NewTicket(contact_email="pat@customer.example",
                                             subject="Help", custom_fields=custom))
    return view.ticket.number


def change(tenant: TenantFixture, number: int, custom: dict[str, Any] | None,
           *, subject: str | None = None) -> None:
    present = {"custom_fields"} if custom is not None else set()
    if subject is not None:
        present.add("subject")
    with tenant.unit() as unit:
        update_ticket(unit, number, TicketChanges(present=frozenset(present),
                                                  custom_fields=custom, subject=subject))


def test_create_and_update_keep_the_rows(tenant: TenantFixture, more_fields: None) -> None:
    t = tenant.tenant_id
    number = create(tenant, {
        "cf_Department": "sales", "cf_Employee ID": "EMP-1", "cf_Tags": "blue, red",
        "cf_Count": "42", "cf_Amount": "7.50", "cf_Due": "2026-01-05", "cf_Urgent": "1",
        "cf_Notes": "A long note"})
    assert stored_rows(tenant) == {
        (t, DEPARTMENT, "Sales", number), (t, EMPLOYEE, "EMP-1", number),
        (t, TAGS, "Blue", number), (t, TAGS, "Red", number), (t, COUNT, "42", number),
        (t, AMOUNT, "7.5", number), (t, DUE, "2026-01-05", number),
        (t, URGENT, "true", number)}
    other = create(tenant, {"cf_Department": "Sales", "cf_Urgent": False})
    # Change some, clear some (null and blank), leave the rest.
    change(tenant, number, {"cf_Department": "Billing", "cf_Employee ID": None,
                            "cf_Tags": ["Red", "Green"], "cf_Count": "", "cf_Urgent": False})
    assert stored_rows(tenant) == {
        (t, DEPARTMENT, "Billing", number), (t, TAGS, "Red", number),
        (t, TAGS, "Green", number), (t, AMOUNT, "7.5", number),
        (t, DUE, "2026-01-05", number), (t, URGENT, "false", number),
        (t, DEPARTMENT, "Sales", other), (t, URGENT, "false", other)}
    before = assert_in_step(tenant)
    change(tenant, number, None, subject="Only the subject")
    change(tenant, number, {"cf_Department": "BILLING", "cf_Notes": "Another note"})
    assert assert_in_step(tenant) == before
    assert stored_counts(tenant) == {
        (t, DEPARTMENT, "Billing"): 1, (t, DEPARTMENT, "Sales"): 1, (t, DEPARTMENT, ""): 2,
        (t, TAGS, "Red"): 1, (t, TAGS, "Green"): 1, (t, TAGS, ""): 1,
        (t, AMOUNT, "7.5"): 1, (t, AMOUNT, ""): 1, (t, DUE, "2026-01-05"): 1, (t, DUE, ""): 1,
        (t, URGENT, "false"): 2, (t, URGENT, ""): 2}


def test_a_failed_update_leaves_the_rows(tenant: TenantFixture) -> None:
    number = create(tenant, {"cf_Department": "Sales"})
    before = stored_rows(tenant)
    with pytest.raises(BadRequest, match="is not a choice"):
        change(tenant, number, {"cf_Employee ID": "EMP-9", "cf_Department": "Nope"})
    assert assert_in_step(tenant) == before == {
        (tenant.tenant_id, DEPARTMENT, "Sales", number)}


VALUES: dict[str, list[Any]] = {
    "cf_Department": [None, "", "Sales", "support", "Billing"],
    "cf_Employee ID": [None, "EMP-1", "emp-1", " EMP-2 "],
    "cf_Tags": [None, [], ["Red"], ["green", "Red"], "Blue,Green"],
    "cf_Count": [None, 0, -3, "17", 17.0],
    "cf_Amount": [None, 0, 2.5, "2.50", "1e3"],
    "cf_Due": [None, "2026-02-28", "2025-12-31"],
    "cf_Urgent": [None, True, False, "0", "true"],
    "cf_Notes": [None, "Some words"],
}


def some_values(rng: random.Random) -> dict[str, Any]:
    return {key: rng.choice(choices)
            for key, choices in rng.sample(sorted(VALUES.items()), k=rng.randint(0, 4))}


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 20))
def test_rows_follow_random_creates_and_updates(tenant: TenantFixture, more_fields: None,
                                                seed: int, steps: int) -> None:
    rng = random.Random(seed)
    with tenant.unit() as unit:
        numbers = list(unit.session.scalars(select(Ticket.number)))
    for _ in range(steps):
        if not numbers or rng.random() < 0.4:
            numbers.append(create(tenant, some_values(rng)))
        else:
            change(tenant, rng.choice(numbers), some_values(rng))
    assert_in_step(tenant)


def test_seeded_tickets_have_their_rows(tenant: TenantFixture, more_fields: None) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=150, contacts=10, batch_size=40,
                 clock=tenant.clock)
    rows = assert_in_step(tenant)
    assert {field for _t, field, _v, _n in rows} == {
        DEPARTMENT, EMPLOYEE, TAGS, COUNT, AMOUNT, DUE, URGENT}


def test_field_definition_changes_keep_the_rows(client: TestClient,
                                                tenant: TenantFixture) -> None:
    number = create(tenant, {"cf_Department": "Sales", "cf_Employee ID": "EMP-1"})
    rows = stored_rows(tenant)
    refused = client.patch("/apis/admin/custom_fields/1",
                           json={"choices": ["Sales Team", "Support", "Billing"]})
    assert refused.json() == conflict("choice 'Sales' of custom field 'Department' is used "
                                      "by 1 ticket; change those tickets first")
    assert client.delete("/apis/admin/custom_fields/2").status_code == 409
    renamed = client.patch("/apis/admin/custom_fields/1",
                           json={"label": "Team", "choices": ["Sales", "Support", "Other"]})
    assert renamed.status_code == 200, renamed.text
    assert stored_rows(tenant) == rows
    found = client.get("/apis/v3/tickets", params={
        "filters": json.dumps({"custom_fields": {"cf_Team": ["sales"]}})}).json()
    assert [t["ticket_number"] for t in found["tickets"]] == [number]
    change(tenant, number, {"cf_Employee ID": None})
    with tenant.database.engine.connect() as connection:
        kept = connection.execute(text(
            "SELECT value, count FROM ticket_field_counts WHERE field_id = 2")).all()
    assert sorted(kept) == [("", 0), ("EMP-1", 0)]
    assert client.delete("/apis/admin/custom_fields/2").status_code == 204
    # Its emptied counts went with it (ON DELETE CASCADE).
    assert assert_in_step(tenant) == {(tenant.tenant_id, DEPARTMENT, "Sales", number)}
    with tenant.database.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM ticket_field_counts WHERE field_id = 2")).scalar() == 0


def test_the_migration_backfills_every_tenant(tenant: TenantFixture,
                                              other_tenant: TenantFixture,
                                              more_fields: None) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=80, contacts=8,
                 clock=tenant.clock)
    create(tenant, {"cf_Tags": ["Red", "Blue"], "cf_Amount": 3, "cf_Urgent": False})
    with other_tenant.unit() as unit:
        create_ticket(unit, NewTicket(contact_email="x@globex.example", subject="Hi",
                                      custom_fields={"cf_Department": "Support"}))
    expected = expected_rows(tenant)
    assert {t for t, _f, _v, _n in expected} == {tenant.tenant_id, other_tenant.tenant_id}
    engine = tenant.database.engine
    try:
        command.downgrade(alembic_config(engine), "0013")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM tickets")).scalar() == 82
    finally:
        upgrade(engine)
    assert assert_in_step(tenant) == expected


@pytest.mark.parametrize(("filters", "expected"), [
    ({"cf_Tags": ["red"]}, ["red+blue", "red"]),
    ({"cf_Tags": ["BLUE", "green"]}, ["red+blue", "green"]),
    ({"cf_Tags": ["--"]}, ["none"]),
    ({"cf_Tags": ["--", "Green"]}, ["green", "none"]),
    ({"cf_Tags": ["Purple"]}, []),
    ({"cf_Count": ["42"]}, ["red"]),
    ({"cf_Count": [" 42", "-7"]}, ["red", "green"]),
    ({"cf_Count": ["forty-two", "4.2"]}, []),
    ({"cf_Amount": ["7.50"]}, ["red+blue"]),
    ({"cf_Amount": ["0"]}, ["red"]),
    ({"cf_Due": ["2026-01-05"]}, ["green"]),
    ({"cf_Due": ["2026-1-5"]}, []),
    ({"cf_Urgent": ["TRUE"]}, ["red+blue"]),
    ({"cf_Urgent": ["false", "--"]}, ["red", "green", "none"]),
    ({"cf_Urgent": ["0"]}, ["red", "green"]),
    ({"cf_Employee ID": ["EMP-1"]}, ["red+blue"]),
    ({"cf_Employee ID": ["emp-1"]}, ["green"]),
    ({"cf_Notes": ["A long note"]}, ["red"]),
    ({"cf_Notes": ["--"]}, ["red+blue", "green", "none"]),
    ({"cf_Tags": ["Red"], "cf_Urgent": ["true"]}, ["red+blue"]),
])
@pytest.mark.parametrize("driving_rows", [custom_field_plans.DRIVING_ROWS, -1],
                         ids=["from-the-values", "probing"])
def test_filters_on_each_field_type(client: TestClient, tenant: TenantFixture,
                                    more_fields: None, filters: dict[str, list[str]],
                                    expected: list[str], driving_rows: int,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_field_plans, "DRIVING_ROWS", driving_rows)
    made = {
        "red+blue": create(tenant, {"cf_Tags": ["Red", "Blue"], "cf_Amount": 7.5,
                                    "cf_Urgent": True, "cf_Employee ID": "EMP-1"}),
        "red": create(tenant, {"cf_Tags": ["Red"], "cf_Count": 42, "cf_Amount": 0,
                               "cf_Urgent": False, "cf_Notes": "A long note"}),
        "green": create(tenant, {"cf_Tags": "Green", "cf_Count": -7, "cf_Due": "2026-01-05",
                                 "cf_Urgent": "false", "cf_Employee ID": "emp-1"}),
        "none": create(tenant, {}),
    }
    wanted = sorted((made[name] for name in expected), reverse=True)
    for extra in ({}, {"status": ["Open", "Pending"]}):
        # Without another key the count is the kept counts'; with one it is SQL's.
        body = client.get("/apis/v3/tickets", params={
            "filters": json.dumps({"custom_fields": filters, **extra})}).json()
        found = [t["ticket_number"] for t in body["tickets"]]
        assert (body["count"], found) == (len(wanted), wanted), extra
