"""The list ``filters`` parameter against a plain-Python reference filter (hypothesis)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.catalog.service import create_group, create_type
from supportdesk.companies.schemas import CompanyCreate
from supportdesk.companies.service import create_company
from supportdesk.customfields.service import create_field
from supportdesk.tickets import custom_field_plans
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture

STATUSES = ["Open", "Pending", "Resolved", "Closed"]
TYPES = ["Question", "Incident", "Printer 'Out of Ink' Complaint", "Customer's Request",
         "Überprüfung ✓"]
GROUPS = ["Sales", '"Sales" Department', '"Marketing" Department', "Back\\slash 'Team'"]
AGENTS = ["alex.morgan@demo.example", "priya.shah@demo.example", "sam.oduya@demo.example"]
CATEGORIES = {"Hardware": ["Printer", "Laptop"], "Software": ["Printer", "Laptop"]}
SOURCES = ["1", "5", "6", "7", "12", "13", "15"]
PRIORITIES = ["1", "5", "10", "20"]
DEPARTMENTS = ["Sales", "Support", "Billing"]
TAGS = ["Red", "Green", "Blue"]
COMPANIES = {'Acme "Widgets" \\ Co': "widgets.example", "Ünïcode GmbH": "unicode.example"}
CONTACTS = ["ann@widgets.example", "bob@widgets.example", "cem@unicode.example",
            "dee@unicode.example", "eve@solo.example", "fay@solo.example"]
UNSET = "--"
CANDIDATES: dict[str, list[str]] = {
    "status": [*STATUSES, "Nope"],
    "priority": [*PRIORITIES, "3", "99999999999999999999", UNSET],
    "type": [*TYPES, "Printer", UNSET],
    "group": [*GROUPS, "Sales Department", UNSET],
    "assigned_to": [*AGENTS, "nobody@demo.example", UNSET],
    "category": [*CATEGORIES, "Printer", UNSET],
    "subcategory": ["Printer", "Laptop", "Hardware", UNSET],
    "source": [*SOURCES, "2", UNSET],
    "contact": [*CONTACTS, "zed@solo.example", UNSET],
    "company_name": [*COMPANIES, "Acme", UNSET],
    "cf_Department": [*DEPARTMENTS, "Marketing", UNSET],
    "cf_Tags": [*TAGS, "Purple", UNSET],
}
CUSTOM = ("cf_Department", "cf_Tags")
NUMERIC = {"priority", "source"}


@dataclass(frozen=True)
class Built:
    """The tickets as the reference filter sees them: key -> value (None when unset).

    A multi-select's value is the tuple of its choices.
    """

    tickets: dict[int, dict[str, str | tuple[str, ...] | None]]


@pytest.fixture
def built(tenant: TenantFixture) -> Built:
    """Forty tickets with random attributes, built once for the test function."""
    with tenant.unit() as unit:
        create_type(unit.session, name="Überprüfung ✓")
        create_group(unit.session, name="Back\\slash 'Team'")
        create_field(unit.session, label="Tags", field_type="multi-select", choices=TAGS)
        for name, domain in COMPANIES.items():
            create_company(unit, data=CompanyCreate(name=name, domains=domain))
    rng = random.Random(20260105)
    tickets: dict[int, dict[str, str | tuple[str, ...] | None]] = {}
    with tenant.unit() as unit:
        for number in range(1, 41):
            tenant.clock.advance(minutes=1)
            category = rng.choice([None, *CATEGORIES])
            subcategory = rng.choice([None, *CATEGORIES[category]]) if category else None
            contact = rng.choice(CONTACTS)
            tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
            row: dict[str, str | tuple[str, ...] | None] = {
                "status": rng.choice(STATUSES), "priority": rng.choice(PRIORITIES),
                "type": rng.choice([None, *TYPES]), "group": rng.choice([None, *GROUPS]),
                "assigned_to": rng.choice([None, *AGENTS]), "category": category,
                "subcategory": subcategory, "source": rng.choice(SOURCES), "contact": contact,
                "company_name": next((n for n, d in COMPANIES.items()
                                      if contact.endswith("@" + d)), None),
                "cf_Department": rng.choice([None, *DEPARTMENTS]),
                "cf_Tags": tags or None,
            }
            view = create_ticket(unit, NewTicket(
                contact_email=contact.upper() if number % 3 == 0 else contact,
                subject=f"Ticket {number}", status=str(row["status"]),
                priority=int(str(row["priority"])), type=text(row["type"]),
                group=text(row["group"]), assignee_email=text(row["assigned_to"]),
                category=category, subcategory=subcategory, source=int(str(row["source"])),
                custom_fields={"cf_Department": row["cf_Department"], "cf_Tags": list(tags)},
            ))
            assert view.ticket.number == number
            tickets[number] = row
    return Built(tickets=tickets)


def text(value: str | tuple[str, ...] | None) -> str | None:
    assert not isinstance(value, tuple)
    return value


def reference(tickets: dict[int, dict[str, str | tuple[str, ...] | None]],
              flt: dict[str, list[str]]) -> list[int]:
    """OR within a key, AND across keys; "--" is unset; names case-insensitive.

    A multi-select matches when any of its choices does.
    """

    def matches(key: str, value: str | tuple[str, ...] | None, wanted: str) -> bool:
        if wanted == UNSET:
            return value is None
        if value is None:
            return False
        if isinstance(value, tuple):
            return any(matches(key, item, wanted) for item in value)
        if key in NUMERIC:
            return int(wanted) == int(value)
        return wanted.casefold() == value.casefold()

    chosen = []
    for number, row in tickets.items():
        if all(not values or any(matches(key, row[key], v) for v in values)
               for key, values in flt.items()):
            chosen.append(number)
    return sorted(chosen, reverse=True)


@st.composite
def filter_objects(draw: st.DrawFn) -> dict[str, list[str]]:
    keys = draw(st.lists(st.sampled_from(sorted(CANDIDATES)), unique=True, max_size=4))
    result: dict[str, list[str]] = {}
    for key in keys:
        values = draw(st.lists(st.sampled_from(CANDIDATES[key]), max_size=3))
        spelled = [draw(st.sampled_from([v, v.upper(), v.lower()])) for v in values]
        result[key] = spelled
    return result


def wire_filters(flt: dict[str, list[str]]) -> dict[str, Any]:
    document: dict[str, Any] = {k: v for k, v in flt.items() if k not in CUSTOM}
    custom = {k: v for k, v in flt.items() if k in CUSTOM}
    if custom:
        document["custom_fields"] = custom
    return document


def listed(client: TestClient, document: dict[str, Any], *, ascii_only: bool) -> \
        tuple[int, list[int]]:
    """The count and every ticket number, walking ``next_page`` to the end."""
    response = client.get("/apis/v3/tickets", params={
        "filters": json.dumps(document, ensure_ascii=ascii_only)})
    assert response.status_code == 200, response.text
    body = response.json()
    found = [t["ticket_number"] for t in body["tickets"]]
    count = body["count"]
    while "next_page" in body:
        body = client.get(body["next_page"]).json()
        assert body["count"] == count
        found += [t["ticket_number"] for t in body["tickets"]]
    return count, found


# Custom field keys: the list starts from the values' tickets when they are few
# (``custom_field_plans.DRIVING_ROWS``), and probes the value index per ticket otherwise.
DRIVING = pytest.mark.parametrize("driving_rows", [custom_field_plans.DRIVING_ROWS, -1],
                                  ids=["from-the-values", "probing"])


@DRIVING
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flt=filter_objects(), ascii_only=st.booleans())
def test_filters_match_the_reference(client: TestClient, built: Built,
                                     flt: dict[str, list[str]], ascii_only: bool,
                                     driving_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_field_plans, "DRIVING_ROWS", driving_rows)
    expected = reference(built.tickets, flt)
    count, found = listed(client, wire_filters(flt), ascii_only=ascii_only)
    assert (count, found) == (len(expected), expected)


@pytest.mark.parametrize("flt", [
    {},
    {"status": []},
    {"type": ["Printer 'Out of Ink' Complaint", "customer's request"]},
    {"group": ['"Sales" Department', "BACK\\SLASH 'TEAM'"]},
    {"type": ["Überprüfung ✓".upper()]},
    {"company_name": ["ÜNÏCODE GMBH"]},
    {"company_name": ['acme "widgets" \\ co', UNSET]},
    {"assigned_to": [UNSET], "group": [UNSET]},
    {"subcategory": ["printer"], "category": ["software"]},
    {"priority": ["99999999999999999999", "40000"]},
    {"cf_Department": [UNSET, "billing"]},
    {"cf_Tags": ["red", "BLUE"]},
    {"cf_Tags": [UNSET, "green"], "cf_Department": ["Sales", "support"]},
])
@DRIVING
def test_named_filters_match_the_reference(client: TestClient, built: Built,
                                           flt: dict[str, list[str]], driving_rows: int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_field_plans, "DRIVING_ROWS", driving_rows)
    expected = reference(built.tickets, flt)
    for ascii_only in (True, False):
        assert listed(client, wire_filters(flt), ascii_only=ascii_only) == (
            len(expected), expected)


@pytest.mark.parametrize(("raw", "message"), [
    ("{", "filters is not valid JSON: unexpected end of data at position 1"),
    ('["Open"]', 'filters must be a JSON object such as {"status": ["Open"]}'),
    ('{"status": "Open"}', 'filters: status must be an array of strings, e.g. ["value"]'),
    ('{"state": ["Open"]}', "filters: unknown key 'state'; known keys are status, priority, "
     "type, group, assigned_to, category, subcategory, source, contact, company_name, "
     "custom_fields"),
    ('{"priority": ["high"]}', "filters: priority values must be numbers as strings, "
     "got 'high'"),
    ('{"priority": ["\u0661\u0660"]}',
     "filters: priority values must be numbers as strings, got '\u0661\u0660'"),
    ('{"status": [null]}', "filters: every value of status must be a string, got None"),
    ('{"contact": ["a\\u0000@b.io"]}',
     "filters: values of contact must not contain NUL characters"),
    ('{"custom_fields": {"cf_Nope": ["x"]}}',
     "filters: custom_fields has unknown field 'cf_Nope'"),
    ('{"custom_fields": ["x"]}',
     'filters: custom_fields must be an object like {"cf_Department": ["Sales"]}'),
])
def test_malformed_filters_are_400(client: TestClient, raw: str, message: str) -> None:
    response = client.get("/apis/v3/tickets", params={"filters": raw})
    assert response.status_code == 400
    assert response.json() == {"status": 400, "error": "Bad Request", "message": message}
