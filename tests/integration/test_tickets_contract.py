"""The ticket create, details, update and list contracts: exact keys, exact values."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import TenantFixture

DETAILS_KEYS = [
    "ticket_number", "contact_email", "contact_name", "subject", "description",
    "description_text", "status", "priority", "type", "source", "form_name", "form_is_deleted",
    "assigned_to", "company_name", "sla", "completed_within_sla", "group", "category",
    "subcategory", "created_on", "updated_on", "resolved_on", "closed_on", "due_date",
    "first_response_time", "first_assigned_time", "first_assigned_duration",
    "resolved_duration", "first_replied_duration", "closed_duration", "custom_fields",
    "attachments", "watchers", "share_to", "conversation_count",
]
UPDATE_KEYS = [k for k in DETAILS_KEYS if k != "attachments"]
LIST_KEYS = [k for k in DETAILS_KEYS if k not in {
    "description", "description_text", "completed_within_sla", "custom_fields", "attachments"}]


def minimal_ticket(number: int = 1, **changes: Any) -> dict[str, Any]:
    """The ticket a bare ``{email, subject}`` create produces at the fixture's start time."""
    ticket: dict[str, Any] = {
        "ticket_number": number,
        "contact_email": "casey@example.com",
        "contact_name": "casey",
        "subject": "Printer broken",
        "description": None,
        "description_text": None,
        "status": "Open",
        "priority": 1,
        "type": None,
        "source": 15,
        "form_name": None,
        "form_is_deleted": 0,
        "assigned_to": None,
        "company_name": None,
        "sla": "Standard SLA",
        "completed_within_sla": None,
        "group": None,
        "category": None,
        "subcategory": None,
        "created_on": "2026-01-05 09:00:00",
        "updated_on": "2026-01-05 09:00:00",
        "resolved_on": None,
        "closed_on": None,
        "due_date": "2026-01-06 09:00:00",
        "first_response_time": None,
        "first_assigned_time": None,
        "first_assigned_duration": None,
        "resolved_duration": None,
        "first_replied_duration": None,
        "closed_duration": None,
        "custom_fields": {"cf_Department": None, "cf_Employee ID": None},
        "attachments": [],
        "watchers": [],
        "share_to": [],
        "conversation_count": 0,
    }
    ticket.update(changes)
    return ticket


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"email": "casey@example.com", "subject": "Printer broken", **fields}
    response = client.post("/apis/v3/tickets/create", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_minimal_create_takes_the_tenant_defaults(client: TestClient) -> None:
    response = client.post("/apis/v3/tickets/create",
                           json={"email": "Casey@Example.com", "subject": "Printer broken"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == minimal_ticket()
    assert list(response.json()) == DETAILS_KEYS


def test_full_create_returns_every_value(client: TestClient) -> None:
    body = create(
        client, description="<p>It <b>jams</b></p><p>every time</p>", status="pending",
        priority="10", type="printer 'out of ink' complaint",
        assign_to="Priya.Shah@demo.example", group='"sales" department',
        category="hardware", sub_category="laptop", form_name="Web form",
        custom_fields={"cf_Department": "billing", "cf_Employee ID": "E-7"},
        watchers=["sam.oduya@demo.example", "SAM.ODUYA@demo.example"],
        share_to=["Boss@Example.com"],
    )
    assert body == minimal_ticket(
        description="<p>It <b>jams</b></p><p>every time</p>",
        description_text="It jams\nevery time", status="Pending", priority=10,
        type="Printer 'Out of Ink' Complaint", assigned_to="priya.shah@demo.example",
        group='"Sales" Department', category="Hardware", subcategory="Laptop",
        form_name="Web form", first_assigned_time="2026-01-05 09:00:00",
        first_assigned_duration=0,
        custom_fields={"cf_Department": "Billing", "cf_Employee ID": "E-7"},
        watchers=["sam.oduya@demo.example"], share_to=["boss@example.com"],
    )


def test_create_accepts_the_response_spellings(client: TestClient) -> None:
    body = create(client, assigned_to="alex.morgan@demo.example", category="Software",
                  subcategory="Printer")
    assert (body["assigned_to"], body["category"], body["subcategory"]) == (
        "alex.morgan@demo.example", "Software", "Printer")


def test_create_stores_empty_strings_as_null(client: TestClient) -> None:
    body = create(client, description="", type="", assign_to="", group="", category="",
                  sub_category="", form_name="  ", custom_fields={"cf_Employee ID": ""})
    assert body == minimal_ticket()


def test_create_with_unknown_names_is_400_naming_the_field(client: TestClient) -> None:
    cases = {
        "status": ("Nope", "status: no status named 'Nope' (statuses: Open, Pending, "
                           "Resolved, Closed)"),
        "assign_to": ("who@demo.example",
                      "assign_to: no active agent with email 'who@demo.example'"),
        "priority": (3, "priority must be 1 (Low), 5 (Medium), 10 (High) or 20 (Urgent), "
                        "got 3"),
    }
    for field, (value, message) in cases.items():
        response = client.post("/apis/v3/tickets/create",
                               json={"email": "a@b.io", "subject": "x", field: value})
        assert response.status_code == 400, field
        assert response.json() == {"status": 400, "error": "Bad Request", "message": message}
    listed = client.get("/apis/v3/tickets").json()
    assert listed == {"count": 0, "tickets": []}


def test_details_matches_create_and_unknown_ticket_is_404(client: TestClient) -> None:
    created = create(client, priority=20, custom_fields={"cf_Department": "Sales"})
    details = client.get("/apis/v3/tickets/details", params={"ticket_number": "1"})
    assert details.status_code == 200
    assert details.json() == created
    missing = client.get("/apis/v3/tickets/details", params={"ticket_number": "2"})
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "error": "Not Found",
                              "message": "ticket 2 does not exist"}


def test_update_changes_only_what_is_sent(client: TestClient, tenant: TenantFixture) -> None:
    create(client, assign_to="alex.morgan@demo.example", group="Sales", category="Hardware",
           sub_category="Printer", custom_fields={"cf_Department": "Sales"})
    tenant.clock.advance(minutes=90)
    response = client.put("/apis/v3/tickets/update?ticket_number=1", json={
        "subject": "Printer still broken", "priority": 5, "type": "Incident",
        "custom_fields": {"cf_Employee ID": "42"},
    })
    assert response.status_code == 200
    assert list(response.json()) == UPDATE_KEYS
    expected = minimal_ticket(
        subject="Printer still broken", priority=5, type="Incident",
        assigned_to="alex.morgan@demo.example", group="Sales", category="Hardware",
        subcategory="Printer", updated_on="2026-01-05 10:30:00",
        first_assigned_time="2026-01-05 09:00:00", first_assigned_duration=0,
        custom_fields={"cf_Department": "Sales", "cf_Employee ID": "42"},
    )
    del expected["attachments"]
    assert response.json() == expected
    details = client.get("/apis/v3/tickets/details?ticket_number=1").json()
    assert details == {**expected, "attachments": []}


def test_update_double_dash_clears_assignment_group_and_categories(client: TestClient) -> None:
    create(client, assign_to="alex.morgan@demo.example", group="Sales", category="Hardware",
           sub_category="Printer")
    body = client.put("/apis/v3/tickets/update?ticket_number=1", json={
        "assign_to": "--", "group": "--", "category": "--", "sub_category": "--"}).json()
    assert (body["assigned_to"], body["group"], body["category"], body["subcategory"]) == (
        None, None, None, None)
    # The first assignment stays on record after unassigning.
    assert body["first_assigned_time"] == "2026-01-05 09:00:00"


def test_update_accepts_response_spellings_and_clears_with_them(client: TestClient) -> None:
    create(client)
    body = client.put("/apis/v3/tickets/update?ticket_number=1", json={
        "assigned_to": "sam.oduya@demo.example", "category": "Software",
        "subcategory": "Laptop"}).json()
    assert (body["assigned_to"], body["category"], body["subcategory"]) == (
        "sam.oduya@demo.example", "Software", "Laptop")
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"assigned_to": "--", "subcategory": "--"}).json()
    assert (body["assigned_to"], body["category"], body["subcategory"]) == (
        None, "Software", None)


def test_update_changing_category_keeps_a_matching_subcategory_only(client: TestClient) -> None:
    create(client, category="Hardware", sub_category="Printer")
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"category": "Software"}).json()
    assert (body["category"], body["subcategory"]) == ("Software", None)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"sub_category": "Printer"}).json()
    assert (body["category"], body["subcategory"]) == ("Software", "Printer")


def test_status_events_and_durations_in_minutes(client: TestClient,
                                                tenant: TenantFixture) -> None:
    create(client)
    tenant.clock.advance(minutes=7, seconds=59)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"assign_to": "alex.morgan@demo.example"}).json()
    assert (body["first_assigned_time"], body["first_assigned_duration"]) == (
        "2026-01-05 09:07:59", 7)
    tenant.clock.advance(minutes=53)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"status": "resolved"}).json()
    assert (body["status"], body["resolved_on"], body["resolved_duration"],
            body["completed_within_sla"], body["closed_on"]) == (
        "Resolved", "2026-01-05 10:00:59", 60, True, None)
    tenant.clock.advance(days=1)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"status": "Closed"}).json()
    assert (body["resolved_duration"], body["closed_duration"], body["closed_on"],
            body["completed_within_sla"]) == (60, 1500, "2026-01-06 10:00:59", True)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"status": "Open"}).json()
    assert (body["resolved_on"], body["closed_on"], body["resolved_duration"],
            body["closed_duration"], body["completed_within_sla"]) == (
        None, None, None, None, None)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"status": "Closed"}).json()
    assert (body["resolved_duration"], body["closed_duration"],
            body["completed_within_sla"]) == (1500, 1500, False)


def test_update_sla_by_name_and_no_policy(client: TestClient) -> None:
    create(client)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"sla": "No SLA Policy"}).json()
    assert (body["sla"], body["due_date"]) == ("No SLA Policy", None)
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"sla": "standard sla"}).json()
    assert (body["sla"], body["due_date"]) == ("Standard SLA", "2026-01-06 09:00:00")


def test_update_watchers_share_to_and_contact(client: TestClient) -> None:
    create(client, watchers=["alex.morgan@demo.example"])
    body = client.put("/apis/v3/tickets/update?ticket_number=1", json={
        "watchers": {"add": ["sam.oduya@demo.example"], "remove": ["Alex.Morgan@demo.example"]},
        "share_to": {"add": ["x@example.com", "y@example.com"]},
        "contact_email": "Dana@Example.com",
    }).json()
    assert (body["watchers"], body["share_to"], body["contact_email"], body["contact_name"]) \
        == (["sam.oduya@demo.example"], ["x@example.com", "y@example.com"],
            "dana@example.com", "dana")
    body = client.put("/apis/v3/tickets/update?ticket_number=1",
                      json={"share_to": {"remove": ["x@example.com"]}}).json()
    assert body["share_to"] == ["y@example.com"]


def test_update_custom_field_cleared_with_null_or_empty(client: TestClient) -> None:
    create(client, custom_fields={"cf_Department": "Sales", "cf_Employee ID": "9"})
    body = client.put("/apis/v3/tickets/update?ticket_number=1", json={
        "custom_fields": {"cf_Department": None, "cf_Employee ID": ""}}).json()
    assert body["custom_fields"] == {"cf_Department": None, "cf_Employee ID": None}


def test_update_of_missing_ticket_is_404(client: TestClient) -> None:
    response = client.put("/apis/v3/tickets/update?ticket_number=9", json={"priority": 5})
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "Not Found",
                               "message": "ticket 9 does not exist"}


def test_list_item_has_exactly_the_list_keys(client: TestClient) -> None:
    created = create(client, custom_fields={"cf_Department": "Sales"})
    listed = client.get("/apis/v3/tickets").json()
    assert list(listed) == ["count", "tickets"]
    assert listed["count"] == 1
    item = listed["tickets"][0]
    assert list(item) == LIST_KEYS
    assert item == {k: v for k, v in created.items() if k in LIST_KEYS}
