"""Contracts: access, create/update/details/list, usage from time entries and tickets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from supportdesk.clock import FixedClock
from supportdesk.contracts.service import set_contract_access
from supportdesk.seed.sample import generate_sample_data
from supportdesk.tenancy.service import issue_key
from tests.factories import TenantFixture, bad_request, conflict, not_found

ALEX = "alex.morgan@demo.example"
VENDOR_SCHEMAS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "desk365-openapi-v3.json").read_text()
)["components"]["schemas"]
FORBIDDEN = {
    "status": 403, "error": "Forbidden",
    "message": "Accessing the resource you were trying to reach is forbidden: contracts need "
               "special access, which this helpdesk does not have (an administrator can "
               "switch it on)",
}
DETAIL_KEYS = {
    "name", "start_date", "end_date", "is_active", "setup_fees", "reference_number",
    "bill_cycle", "contract_type", "after_hours_included", "sla", "company", "category",
    "is_default", "contract_hours", "min_increment", "rollover_unused_hours", "rollover_type",
    "rollover_value", "contract_used_mins", "total_available_mins", "total_rollover_mins",
    "extra_used_mins", "contract_tickets", "contract_used_tickets", "total_available_tickets",
    "extra_used_tickets", "rollover_details", "usage_hours",
}


@pytest.fixture
def api(client: TestClient) -> TestClient:
    """acme with contract access and two companies."""
    response = client.put("/apis/admin/contracts/access", json={"has_contract_access": True})
    assert response.json() == {"has_contract_access": True}
    for name, domain in [("Contoso", "contoso.com"), ("Initech", "initech.com")]:
        assert client.post("/apis/v3/companies/create",
                           json={"name": name, "domains": domain}).status_code == 200
    return client


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"company": "Contoso", "start_date": "2026-01-01", "end_date": "2026-03-31",
            "bill_cycle": 1, "contract_type": 2, "block_hours": {"contract_hours": 1},
            **fields}
    response = client.post("/apis/v3/contracts/create", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def details(client: TestClient, **query: str) -> dict[str, Any]:
    response = client.get("/apis/v3/contracts/details", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == DETAIL_KEYS
    return body


def ticket(client: TestClient, email: str) -> int:
    response = client.post("/apis/v3/tickets/create", json={"email": email, "subject": "Hi"})
    assert response.status_code == 200, response.text
    number: int = response.json()["ticket_number"]
    return number


def entry(client: TestClient, number: int, start: str, minutes: int,
          billable: bool = True) -> None:
    response = client.post("/apis/admin/time_entries", json={
        "ticket_number": number, "agent_email": ALEX, "minutes": minutes,
        "billable": billable, "start_time": start})
    assert response.status_code == 201, response.text


def usage_row(year: int, month: int, contract: int, used: int, rollover: int = 0,
              rollover_used: int = 0, late: int = 0, extra: int = 0) -> dict[str, int]:
    return {"year": year, "month": month, "contractMins": contract, "contractMinsUsed": used,
            "rolloverMins": rollover, "rolloverMinsUsed": rollover_used,
            "rolloverMinsAvailable": rollover - rollover_used, "lateEntryMins": late,
            "extraUsedMins": extra}


def rollover_row(year: int, month: int, contract: int, used: int, rollover: int = 0,
                 rollover_used: int = 0, late: int = 0) -> dict[str, int]:
    return {"year": year, "month": month, "contract_mins": contract,
            "contract_mins_used": used, "rollover_mins": rollover,
            "rollover_mins_used": rollover_used,
            "rollover_mins_available": rollover - rollover_used, "late_entry_mins": late}


@pytest.fixture
def worked(api: TestClient, clock: FixedClock) -> TestClient:
    """Time on Contoso's ticket (and noise that must not count)."""
    contoso = ticket(api, "ann@contoso.com")
    elsewhere = ticket(api, "bob@example.org")
    entry(api, contoso, "2026-01-02 10:00:00", 20)                 # counts 30 (increment 15)
    entry(api, contoso, "2026-01-03 10:00:00", 10, billable=False)  # not billable
    entry(api, contoso, "2025-12-31 10:00:00", 60)                 # before the contract
    entry(api, elsewhere, "2026-01-03 10:00:00", 60)               # another company
    clock.current = datetime(2026, 2, 10, 9, 0)
    entry(api, contoso, "2026-01-20 10:00:00", 15)                 # January, entered late
    entry(api, contoso, "2026-02-03 10:00:00", 100)                # counts 105
    return api


# --- access ----------------------------------------------------------------


def test_every_operation_is_403_without_access(client: TestClient) -> None:
    for method, path, body in [
        ("GET", "/apis/v3/contracts", None),
        ("GET", "/apis/v3/contracts/details?contract_name=x", None),
        ("POST", "/apis/v3/contracts/create", {"name": "x"}),
        ("POST", "/apis/v3/contracts/create", {"not": "valid"}),
        ("PUT", "/apis/v3/contracts/update?contract_name=x", {"name": "y"}),
        ("GET", "/apis/v3/contracts?offset=bad", None),
    ]:
        response = client.request(method, path, json=body)
        assert (response.status_code, response.json()) == (403, FORBIDDEN), (method, path)


def test_access_switch_through_the_admin_api(client: TestClient, tenant: TenantFixture,
                                             other_tenant: TenantFixture) -> None:
    assert client.get("/apis/admin/contracts/access").json() == {"has_contract_access": False}
    assert client.put("/apis/admin/contracts/access",
                      json={"has_contract_access": True}).status_code == 200
    assert client.get("/apis/admin/contracts/access").json() == {"has_contract_access": True}
    assert client.get("/apis/v3/contracts").json() == {"count": 0, "contracts": []}
    # Only acme was switched on.
    other = {"Host": other_tenant.host, "Authorization": other_tenant.key}
    assert client.get("/apis/v3/contracts", headers=other).status_code == 403
    response = client.put("/apis/admin/contracts/access", json={"has_contract_access": 1,
                                                                  "extra": True})
    assert response.status_code == 400
    client.put("/apis/admin/contracts/access", json={"has_contract_access": False})
    assert client.get("/apis/v3/contracts").status_code == 403


def test_admin_access_needs_an_admin_key(client: TestClient, tenant: TenantFixture) -> None:
    with tenant.database.session(write=True) as session:
        plain = issue_key(session, tenant_id=tenant.tenant_id, label="plain").secret
        session.commit()
    client.headers["Authorization"] = plain
    for method in ("GET", "PUT"):
        response = client.request(method, "/apis/admin/contracts/access",
                                  json={"has_contract_access": True})
        assert response.status_code == 403
        assert response.json()["message"].startswith("this operation needs an administrator")


# --- create, details, update ------------------------------------------------


def test_create_block_hours_and_details(api: TestClient) -> None:
    created = create(api, name="Gold", reference_number="#6532", setup_fees=500,
                     sla="standard sla", contract_category="Level 1", bill_cycle="1",
                     after_hours_included=True,
                     block_hours={"contract_hours": 10, "min_increment": 15,
                                  "rollover_unused_hours": True, "rollover_type": 1,
                                  "rollover_value": 2})
    assert created == {
        "name": "Gold", "company": "Contoso", "start_date": "2026-01-01",
        "end_date": "2026-03-31", "reference_number": "#6532", "setup_fees": 500,
        "sla": "Standard SLA", "contract_category": "Level 1", "is_active": True,
        "bill_cycle": 1, "after_hours_included": True, "contract_type": 2,
        "block_hours": {"contract_hours": 10, "min_increment": 15,
                        "rollover_unused_hours": True, "rollover_type": 1,
                        "rollover_value": 2},
        "block_tickets": None,
    }
    assert details(api, contract_name="gold") == {
        "name": "Gold", "start_date": "2026-01-01", "end_date": "2026-03-31",
        "is_active": True, "setup_fees": 500, "reference_number": "#6532", "bill_cycle": 1,
        "contract_type": 2, "after_hours_included": True, "sla": "Standard SLA",
        "company": "Contoso", "category": "Level 1", "is_default": False,
        "contract_hours": 10, "min_increment": 15, "rollover_unused_hours": 1,
        "rollover_type": 1, "rollover_value": 2, "contract_used_mins": 0,
        "total_available_mins": 600, "total_rollover_mins": 1200, "extra_used_mins": 0,
        "contract_tickets": None, "contract_used_tickets": None,
        "total_available_tickets": None, "extra_used_tickets": None,
        "rollover_details": [rollover_row(2026, 1, 600, 0),
                             rollover_row(2026, 2, 600, 0, rollover=600),
                             rollover_row(2026, 3, 600, 0, rollover=1200)],
        "usage_hours": [usage_row(2026, 1, 600, 0), usage_row(2026, 2, 600, 0, rollover=600),
                        usage_row(2026, 3, 600, 0, rollover=1200)],
    }


def test_create_block_tickets_with_minimal_fields(api: TestClient) -> None:
    created = create(api, name="Tickets", contract_type=3, block_hours=None,
                     block_tickets={"contract_tickets": 2}, bill_cycle=2)
    assert created["block_hours"] is None
    assert created["block_tickets"] == {"contract_tickets": 2}
    assert (created["reference_number"], created["setup_fees"], created["sla"],
            created["contract_category"]) == (None, None, None, None)


def test_block_hours_usage_monthly_with_rollover(worked: TestClient, clock: FixedClock) -> None:
    create(worked, name="Monthly", block_hours={
        "contract_hours": 1, "min_increment": 15, "rollover_unused_hours": True,
        "rollover_value": 1})
    body = details(worked, contract_name="Monthly")
    assert body["usage_hours"] == [
        usage_row(2026, 1, 60, 45, late=15),
        usage_row(2026, 2, 60, 60, rollover=15, rollover_used=15, extra=30),
        usage_row(2026, 3, 60, 0),
    ]
    assert body["rollover_details"] == [
        rollover_row(2026, 1, 60, 45, late=15),
        rollover_row(2026, 2, 60, 60, rollover=15, rollover_used=15),
        rollover_row(2026, 3, 60, 0),
    ]
    assert (body["contract_used_mins"], body["total_available_mins"],
            body["total_rollover_mins"], body["extra_used_mins"]) == (150, 0, 15, 30)
    clock.current = datetime(2026, 3, 15)
    assert details(worked, contract_name="Monthly")["total_available_mins"] == 60
    clock.current = datetime(2026, 4, 1)
    assert details(worked, contract_name="Monthly")["total_available_mins"] == 0


def test_block_hours_usage_for_the_contract_length(worked: TestClient) -> None:
    create(worked, name="Whole", bill_cycle=2, block_hours={"contract_hours": 2})
    body = details(worked, contract_name="Whole")
    # No increment: exact minutes 20 + 15 + 100.
    assert body["usage_hours"] == [usage_row(2026, 1, 120, 120, late=15, extra=15)]
    assert body["rollover_details"] == []
    assert (body["contract_used_mins"], body["total_available_mins"],
            body["total_rollover_mins"], body["extra_used_mins"],
            body["rollover_unused_hours"], body["rollover_value"]) == (135, 0, 0, 15, 0, None)


def test_rollover_from_the_previous_contract(worked: TestClient) -> None:
    create(worked, name="Last year", start_date="2025-10-01", end_date="2025-12-31",
           bill_cycle=2, reference_number="P-1",
           block_hours={"contract_hours": 2, "rollover_unused_hours": True,
                        "rollover_value": 2})
    create(worked, name="This year", block_hours={"contract_hours": 1, "min_increment": 15})
    previous = details(worked, contract_name="Last year")
    # Entered on 2026-01-05 for December: late.
    assert previous["usage_hours"] == [usage_row(2025, 10, 120, 60, late=60)]
    assert previous["total_available_mins"] == 0  # over
    body = details(worked, contract_name="This year")
    # 60 unused minutes of last year's contract are usable until February.
    assert body["usage_hours"] == [
        usage_row(2026, 1, 60, 45, rollover=60, late=15),
        usage_row(2026, 2, 60, 60, rollover=60, rollover_used=45),
        usage_row(2026, 3, 60, 0),
    ]
    assert (body["contract_used_mins"], body["total_available_mins"],
            body["total_rollover_mins"], body["extra_used_mins"]) == (150, 15, 60, 0)
    assert len(body["rollover_details"]) == 3


def test_block_tickets_usage(api: TestClient, clock: FixedClock) -> None:
    create(api, name="Tickets", contract_type=3, bill_cycle=2, block_hours=None,
           start_date="2026-01-01", end_date="2026-01-31",
           block_tickets={"contract_tickets": 2})
    create(api, name="Later", contract_type=3, bill_cycle=1, block_hours=None,
           start_date="2026-01-06", end_date="2026-02-28",
           block_tickets={"contract_tickets": 2})
    for email in ("ann@contoso.com", "ann@contoso.com", "cy@contoso.com", "x@initech.com"):
        ticket(api, email)
    clock.current = datetime(2026, 2, 3)
    ticket(api, "ann@contoso.com")
    body = details(api, contract_name="Tickets")
    assert {k: body[k] for k in ("contract_tickets", "contract_used_tickets",
                                 "total_available_tickets", "extra_used_tickets",
                                 "contract_hours", "contract_used_mins", "usage_hours",
                                 "rollover_details", "rollover_unused_hours")} == {
        "contract_tickets": 2, "contract_used_tickets": 3, "total_available_tickets": 0,
        "extra_used_tickets": 1, "contract_hours": None, "contract_used_mins": None,
        "usage_hours": [], "rollover_details": [], "rollover_unused_hours": None}
    later = details(api, contract_name="Later")
    assert (later["contract_used_tickets"], later["total_available_tickets"],
            later["extra_used_tickets"]) == (1, 1, 0)


def test_update_changes_only_what_is_sent(api: TestClient, clock: FixedClock) -> None:
    create(api, name="Gold", reference_number="G-1", contract_category="Level 1",
           setup_fees=10, block_hours={"contract_hours": 5, "min_increment": 15})
    clock.advance(hours=1)
    response = api.put("/apis/v3/contracts/update", params={"contract_name": "Gold"}, json={
        "name": "Platinum", "end_date": "2026-06-30", "contract_category": "- -",
        "setup_fees": None, "after_hours_included": True, "is_active": False,
        "block_hours": {"rollover_unused_hours": True, "rollover_type": 1,
                        "rollover_value": 3}})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "name": "Platinum", "company": "Contoso", "start_date": "2026-01-01",
        "end_date": "2026-06-30", "reference_number": "G-1", "setup_fees": None,
        "sla": None, "contract_category": None, "is_active": False, "bill_cycle": 1,
        "after_hours_included": True, "contract_type": 2,
        "block_hours": {"contract_hours": 5, "min_increment": 15,
                        "rollover_unused_hours": True, "rollover_type": 1,
                        "rollover_value": 3},
        "block_tickets": None,
    }
    # Switching rollover off leaves the settings not sent as they were.
    response = api.put("/apis/v3/contracts/update", params={"reference_number": "G-1"},
                       json={"block_hours": {"rollover_unused_hours": False}})
    assert response.json()["block_hours"] == {
        "contract_hours": 5, "min_increment": 15, "rollover_unused_hours": False,
        "rollover_type": 1, "rollover_value": 3}
    response = api.put("/apis/v3/contracts/update", params={"reference_number": "G-1"},
                       json={"block_hours": {"rollover_type": None, "rollover_value": None}})
    assert response.json()["block_hours"] == {
        "contract_hours": 5, "min_increment": 15, "rollover_unused_hours": False,
        "rollover_type": None, "rollover_value": None}
    response = api.put("/apis/v3/contracts/update", params={"reference_number": "G-1"},
                       json={"block_hours": {"rollover_unused_hours": True}})
    assert response.json() == bad_request(
        "block_hours.rollover_value (months) is required when rollover_unused_hours is true")


def test_rollover_settings_are_echoed_with_rollover_off_and_not_used(
        worked: TestClient) -> None:
    created = create(worked, name="Off", reference_number="OFF-1", block_hours={
        "contract_hours": 1, "min_increment": 15, "rollover_unused_hours": False,
        "rollover_type": 1, "rollover_value": 5})
    assert created["block_hours"] == {
        "contract_hours": 1, "min_increment": 15, "rollover_unused_hours": False,
        "rollover_type": 1, "rollover_value": 5}
    create(worked, name="Plain", reference_number="PLAIN-1",
           block_hours={"contract_hours": 1, "min_increment": 15})
    off = details(worked, contract_name="Off")
    plain = details(worked, contract_name="Plain")
    assert (off["rollover_unused_hours"], off["rollover_type"], off["rollover_value"]) == \
        (0, 1, 5)
    assert (plain["rollover_unused_hours"], plain["rollover_type"],
            plain["rollover_value"]) == (0, None, None)
    # The usage is that of the same contract without the settings: nothing rolls over.
    assert off["usage_hours"] == plain["usage_hours"] == [
        usage_row(2026, 1, 60, 45, late=15),
        usage_row(2026, 2, 60, 60, extra=45),
        usage_row(2026, 3, 60, 0),
    ]
    assert off["rollover_details"] == plain["rollover_details"] == []
    assert (off["contract_used_mins"], off["total_available_mins"],
            off["total_rollover_mins"], off["extra_used_mins"]) == (150, 0, 0, 45)
    # Nor does what is left of it roll into the company's next contract.
    create(worked, name="Next", start_date="2026-04-01", end_date="2026-04-30",
           block_hours={"contract_hours": 1})
    assert details(worked, contract_name="Next")["usage_hours"] == \
        [usage_row(2026, 4, 60, 0)]


def _vendor_example(schema: dict[str, Any]) -> dict[str, Any]:
    """The example object the vendor's document gives for ``schema``, nested blocks too."""
    example: dict[str, Any] = {}
    for name, field in schema["properties"].items():
        if "$ref" in field:
            example[name] = _vendor_example(
                VENDOR_SCHEMAS[field["$ref"].rsplit("/", 1)[1]])
        else:
            example[name] = field["example"]
    return example


def test_the_vendors_create_example(api: TestClient) -> None:
    """The document's example sends both blocks; its text says to remove the one the
    contract_type does not use, so that is a 400 naming both. Without it, the answer
    echoes the example, rollover settings included though rollover is off."""
    example = _vendor_example(VENDOR_SCHEMAS["ContractCreateOrUpdateResponseModel"])
    assert (example["contract_type"], example["block_tickets"]) == (2, {"contract_tickets": 50})
    response = api.post("/apis/v3/contracts/create", json=example)
    assert (response.status_code, response.json()) == (400, bad_request(
        "block_tickets is only for contract_type 3 (block tickets); contract_type 2 (block "
        "hours) takes block_hours alone: remove block_tickets from the request"))
    del example["block_tickets"]
    response = api.post("/apis/v3/contracts/create", json=example)
    assert response.status_code == 200, response.text
    assert response.json() == {**example, "sla": "Standard SLA", "block_tickets": None}
    assert response.json()["block_hours"] == {
        "contract_hours": 600, "min_increment": 15, "rollover_unused_hours": False,
        "rollover_type": 1, "rollover_value": 5}


def test_same_names_need_the_reference_number(api: TestClient) -> None:
    create(api, name="Support", reference_number="A-1")
    create(api, name="support", reference_number="B-2", company="Initech")
    response = api.get("/apis/v3/contracts/details", params={"contract_name": "Support"})
    assert (response.status_code, response.json()) == (400, bad_request(
        "several contracts are named 'Support'; add reference_number to say which one"))
    assert details(api, reference_number="B-2")["company"] == "Initech"
    assert details(api, reference_number="B-2", contract_name="SUPPORT")["company"] == \
        "Initech"
    response = api.get("/apis/v3/contracts/details",
                       params={"reference_number": "B-2", "contract_name": "Other"})
    assert response.json() == not_found(
        "no contract with reference number 'B-2' and name 'Other' exists")
    response = api.put("/apis/v3/contracts/update", params={"contract_name": "support"},
                       json={"setup_fees": 1})
    assert response.status_code == 400


def test_duplicate_reference_numbers_are_409(api: TestClient) -> None:
    create(api, name="One", reference_number="R-1")
    create(api, name="Two", reference_number="R-2")
    response = api.post("/apis/v3/contracts/create", json={
        "name": "Three", "reference_number": "R-1", "company": "Contoso",
        "start_date": "2026-01-01", "end_date": "2026-01-31", "bill_cycle": 2,
        "contract_type": 3, "block_tickets": {"contract_tickets": 5}})
    assert (response.status_code, response.json()) == (409, conflict(
        "a contract with reference number 'R-1' already exists"))
    response = api.put("/apis/v3/contracts/update", params={"contract_name": "Two"},
                       json={"reference_number": "R-1"})
    assert (response.status_code, response.json()) == (409, conflict(
        "a contract with reference number 'R-1' already exists"))


@pytest.mark.parametrize(("query", "message"), [
    ({}, "contract_name or reference_number is required"),
    ({"contract_name": "Nope"}, "no contract named 'Nope' exists"),
    ({"reference_number": "X-9"}, "no contract with reference number 'X-9' exists"),
])
def test_details_lookup_errors(api: TestClient, query: dict[str, str], message: str) -> None:
    response = api.get("/apis/v3/contracts/details", params=query)
    expected = bad_request(message) if response.status_code == 400 else not_found(message)
    assert response.json() == expected
    assert response.status_code == (400 if "required" in message else 404)


BASE = {"name": "C", "company": "Contoso", "start_date": "2026-01-01",
        "end_date": "2026-01-31", "bill_cycle": 1, "contract_type": 2,
        "block_hours": {"contract_hours": 1}}


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": " "}, "name is required and must not be empty"),
    ({"company": "Globex"}, "company: no company named 'Globex' exists"),
    ({"start_date": "2026/01/01"}, "start_date must be a date YYYY-MM-DD, got '2026/01/01'"),
    ({"end_date": None}, "end_date is required"),
    ({"end_date": "2025-12-31"}, "end_date must not be before start_date"),
    ({"contract_type": 4}, "contract_type must be 2 (block hours) or 3 (block tickets), got 4"),
    ({"bill_cycle": None}, "bill_cycle is required: 1 (monthly) or 2 (contract length)"),
    ({"block_hours": None}, "block_hours.contract_hours is required for contract_type 2"),
    ({"block_tickets": {"contract_tickets": 1}},
     "block_tickets is only for contract_type 3 (block tickets); contract_type 2 (block "
     "hours) takes block_hours alone: remove block_tickets from the request"),
    ({"contract_type": 3},
     "block_hours is only for contract_type 2 (block hours); contract_type 3 (block "
     "tickets) takes block_tickets alone: remove block_hours from the request"),
    ({"block_hours": {"contract_hours": 1, "rollover_unused_hours": True}},
     "block_hours.rollover_value (months) is required when rollover_unused_hours is true"),
    ({"block_hours": {"contract_hours": 1, "rollover_type": 2}},
     "block_hours.rollover_type must be 1 (monthly), got 2"),
    ({"sla": "Gold SLA"},
     "sla 'Gold SLA' is not an SLA policy of this helpdesk; use one of 'Standard SLA'"),
])
def test_create_refusals(api: TestClient, changes: dict[str, Any], message: str) -> None:
    response = api.post("/apis/v3/contracts/create", json={**BASE, **changes})
    assert (response.status_code, response.json()) == (400, bad_request(message))


@pytest.mark.parametrize("changes", [
    {"colour": "red"}, {"name": "x" * 201}, {"setup_fees": -1},
    {"block_hours": {"contract_hours": 0}}, {"block_hours": {"contract_hours": 1, "x": 1}},
])
def test_create_validation(api: TestClient, changes: dict[str, Any]) -> None:
    response = api.post("/apis/v3/contracts/create", json={**BASE, **changes})
    assert response.status_code == 400
    assert set(response.json()) == {"status", "error", "message"}


def test_update_refusals(api: TestClient) -> None:
    create(api, name="Gold")
    for body, message in [
        ({"end_date": "2025-01-01"}, "end_date must not be before start_date"),
        ({"name": None}, "name cannot be null"),
        ({"block_tickets": {"contract_tickets": 3}},
         "block_tickets is only for contract_type 3 (block tickets); contract_type 2 "
         "(block hours) takes block_hours alone"),
    ]:
        response = api.put("/apis/v3/contracts/update", params={"contract_name": "Gold"},
                           json=body)
        assert (response.status_code, response.json()) == (400, bad_request(message))
    response = api.put("/apis/v3/contracts/update", params={"contract_name": "Nope"},
                       json={})
    assert response.json() == not_found("no contract named 'Nope' exists")


# --- list ------------------------------------------------------------------


@pytest.fixture
def catalogue(api: TestClient) -> TestClient:
    """Contracts around today (2026-01-05)."""
    create(api, name="Current", start_date="2026-01-01", end_date="2026-12-31",
           contract_category="Level 1")
    create(api, name="expired", start_date="2025-01-01", end_date="2026-01-04")
    create(api, name="Ends today", start_date="2025-06-01", end_date="2026-01-05")
    create(api, name="Upcoming", start_date="2026-01-06", end_date="2026-12-31",
           contract_category="level 1")
    create(api, name="Starts today", start_date="2026-01-05", end_date="2026-12-31")
    create(api, name="Inactive", is_active=False, company="Initech",
           contract_category="Level 2")
    return api


def names(client: TestClient, **query: str) -> list[str]:
    response = client.get("/apis/v3/contracts", params=query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"count", "contracts"}
    assert all(set(c) == DETAIL_KEYS for c in body["contracts"])
    listed = [c["name"] for c in body["contracts"]]
    assert body["count"] == len(listed)
    return listed


ALL = ["Current", "Ends today", "expired", "Inactive", "Starts today", "Upcoming"]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ALL),
    ({"include_expired_contracts": "0"},
     ["Current", "Ends today", "Inactive", "Starts today", "Upcoming"]),
    ({"include_upcoming_contracts": "0"},
     ["Current", "Ends today", "expired", "Inactive", "Starts today"]),
    ({"include_inactive_contracts": "0"},
     ["Current", "Ends today", "expired", "Starts today", "Upcoming"]),
    ({"include_inactive_contracts": "0", "include_expired_contracts": "0",
      "include_upcoming_contracts": "0"}, ["Current", "Ends today", "Starts today"]),
    ({"include_expired_contracts": "1", "include_upcoming_contracts": "1"}, ALL),
    ({"company": "initech"}, ["Inactive"]),
    ({"company": "Globex"}, []),
    ({"contract_category": "LEVEL 1"}, ["Current", "Upcoming"]),
    ({"contract_category": "Level 3"}, []),
    ({"company": "Contoso", "contract_category": "Level 2"}, []),
])
def test_list_filters(catalogue: TestClient, query: dict[str, str],
                      expected: list[str]) -> None:
    assert names(catalogue, **query) == expected


def test_list_filters_follow_the_clock(catalogue: TestClient, clock: FixedClock) -> None:
    clock.current = datetime(2026, 1, 6, 0, 0)
    assert names(catalogue, include_expired_contracts="0", include_upcoming_contracts="0") \
        == ["Current", "Inactive", "Starts today", "Upcoming"]


@pytest.mark.parametrize(("query", "message"), [
    ({"include_expired_contracts": "yes"},
     "include_expired_contracts must be 0 or 1, got 'yes'"),
    ({"include_inactive_contracts": "2"}, "include_inactive_contracts must be 0 or 1, got '2'"),
    ({"include_upcoming_contracts": "true"},
     "include_upcoming_contracts must be 0 or 1, got 'true'"),
    ({"offset": "x"}, "offset must be a non-negative whole number, got 'x'"),
])
def test_bad_list_parameters(api: TestClient, query: dict[str, str], message: str) -> None:
    response = api.get("/apis/v3/contracts", params=query)
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_pages_of_30_and_a_fixed_number_of_queries(worked: TestClient,
                                                   tenant: TenantFixture) -> None:
    def statements(**query: str) -> int:
        seen: list[str] = []

        def capture(*_args: object) -> None:
            seen.append("x")

        event.listen(tenant.database.engine, "before_cursor_execute", capture)
        try:
            assert worked.get("/apis/v3/contracts", params=query).status_code == 200
        finally:
            event.remove(tenant.database.engine, "before_cursor_execute", capture)
        return len(seen)

    create(worked, name="Contract 00", block_hours={"contract_hours": 1,
                                                   "rollover_unused_hours": True,
                                                   "rollover_value": 1})
    create(worked, name="Contract 01", reference_number="R1", contract_type=3,
           block_hours=None, block_tickets={"contract_tickets": 1})
    two = statements()
    for index in range(2, 32):
        create(worked, name=f"Contract {index:02d}", reference_number=f"R{index}",
               company="Contoso" if index % 2 else "Initech",
               contract_type=3 if index % 3 == 0 else 2,
               block_tickets={"contract_tickets": 1} if index % 3 == 0 else None,
               block_hours=None if index % 3 == 0 else {"contract_hours": 1})
    assert statements() == two
    body = worked.get("/apis/v3/contracts").json()
    assert body["count"] == 32
    assert [c["name"] for c in body["contracts"]] == [f"Contract {i:02d}" for i in range(30)]
    body = worked.get("/apis/v3/contracts", params={"offset": "30"}).json()
    assert [c["name"] for c in body["contracts"]] == ["Contract 30", "Contract 31"]
    # Usage in the list equals the details.
    listed = worked.get("/apis/v3/contracts", params={"offset": "1"}).json()["contracts"][0]
    assert listed == details(worked, contract_name="Contract 01")


def test_isolation(catalogue: TestClient, other_tenant: TenantFixture) -> None:
    with other_tenant.unit(write=True) as unit:
        set_contract_access(unit, enabled=True)
    other = {"Host": other_tenant.host, "Authorization": other_tenant.key}
    assert catalogue.get("/apis/v3/contracts", headers=other).json() == \
        {"count": 0, "contracts": []}
    response = catalogue.get("/apis/v3/contracts/details",
                             params={"contract_name": "Current"}, headers=other)
    assert response.status_code == 404
    response = catalogue.post("/apis/v3/contracts/create", headers=other, json=BASE)
    assert response.json() == bad_request("company: no company named 'Contoso' exists")


def test_demo_sample_data_has_time_and_a_contract_running_now(
        client: TestClient, tenant: TenantFixture, clock: FixedClock) -> None:
    """Today is 2026-01-05: the demo contract began in October and ends in September;
    the time was logged on its company's latest tickets, 10 minutes after each piece
    of work ended, so none of it is late."""
    generate_sample_data(tenant.database, tenant.settings, tenant.subdomain, clock=clock)
    entries = client.get("/apis/v3/time_entries").json()
    assert entries["count"] == 6
    assert [(e["ticket_number"], e["start_time"], e["time_spent_in_minutes"], e["billable"],
             e["created_time"]) for e in entries["content"]] == [
        (284, "2025-11-26 09:20:34", 15, 1, "2025-11-26 09:45:34"),
        (287, "2025-12-02 21:39:34", 30, 1, "2025-12-02 22:19:34"),
        (292, "2025-12-15 10:11:38", 45, 0, "2025-12-15 11:06:38"),
        (295, "2025-12-22 13:08:48", 60, 1, "2025-12-22 14:18:48"),
        (297, "2025-12-27 20:57:01", 75, 1, "2025-12-27 22:22:01"),
        (298, "2025-12-29 17:54:21", 90, 0, "2025-12-29 19:34:21"),
    ]
    for item in entries["content"]:
        started = datetime.strptime(item["start_time"], "%Y-%m-%d %H:%M:%S")
        ended = started + timedelta(minutes=item["time_spent_in_minutes"])
        assert item["created_time"] == item["updated_time"] == \
            (ended + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S")
        ticket = client.get("/apis/v3/tickets/details",
                            params={"ticket_number": str(item["ticket_number"])}).json()
        assert ticket["company_name"] == "Relecloud Software"
    body = client.get("/apis/v3/contracts", params={
        "include_expired_contracts": "0", "include_upcoming_contracts": "0"}).json()
    assert body["count"] == 1
    (contract,) = body["contracts"]
    assert {k: contract[k] for k in (
        "name", "reference_number", "company", "start_date", "end_date", "is_active",
        "contract_type", "bill_cycle", "contract_hours", "min_increment",
        "rollover_unused_hours", "rollover_type", "rollover_value", "contract_used_mins",
        "total_available_mins", "total_rollover_mins", "extra_used_mins")} == {
        "name": "Priority support", "reference_number": "DEMO-1",
        "company": "Relecloud Software", "start_date": "2025-10-01",
        "end_date": "2026-09-30", "is_active": True, "contract_type": 2, "bill_cycle": 1,
        "contract_hours": 10, "min_increment": 15, "rollover_unused_hours": 1,
        "rollover_type": 1, "rollover_value": 2,
        # Billable: 15 in November, 30 + 60 + 75 in December (multiples of 15 already).
        "contract_used_mins": 180,
        # January's own 600, plus November's unused 585 and December's 435 (October's
        # 600 expired after December).
        "total_available_mins": 1620, "total_rollover_mins": 6420, "extra_used_mins": 0,
    }
    assert contract["usage_hours"][:4] == [
        usage_row(2025, 10, 600, 0),
        usage_row(2025, 11, 600, 15, rollover=600),
        usage_row(2025, 12, 600, 165, rollover=1185),
        usage_row(2026, 1, 600, 0, rollover=1020),
    ]
    assert len(contract["usage_hours"]) == 12
    assert [row["lateEntryMins"] for row in contract["usage_hours"]] == [0] * 12
