"""``companies``: list, details, create and update over the Desk365 v3 wire format."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.companies.schemas import CompanyCreate
from supportdesk.companies.service import create_company
from supportdesk.sla.service import create_policy
from tests.factories import TenantFixture, bad_request, conflict, not_found

COMPANY_KEYS = {"name", "description", "phone", "address", "city", "state", "country",
                "zipcode", "sla", "domains", "created_on", "updated_on"}
CREATED = "2026-01-05 09:00:00"


def company(**fields: Any) -> dict[str, Any]:
    """The expected details body of a company: every key, unset ones null."""
    body: dict[str, Any] = {
        "name": None, "description": None, "phone": None, "address": None, "city": None,
        "state": None, "country": None, "zipcode": None, "sla": "helpdesk default",
        "domains": None, "created_on": CREATED, "updated_on": CREATED,
    }
    body.update(fields)
    assert set(body) == COMPANY_KEYS
    return body


def make_company(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/apis/v3/companies/create", json=fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def details(client: TestClient, name: str) -> dict[str, Any]:
    response = client.get("/apis/v3/companies/details", params={"name": name})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


FULL = {
    "name": "Contoso", "description": "Our biggest customer 🏢", "phone": "123456789",
    "address": "1 Main Street", "city": "Springfield", "state": "IL", "country": "USA",
    "zipcode": "62701", "sla": "Standard SLA", "domains": "Contoso.com, orcael.com",
}


# --- create ---------------------------------------------------------------


def test_create_returns_the_company_with_domains_as_a_string(client: TestClient) -> None:
    response = client.post("/apis/v3/companies/create", json=FULL)
    assert response.status_code == 200
    expected = company(**{**FULL, "domains": "contoso.com, orcael.com"})
    assert response.json() == expected
    assert details(client, "Contoso") == expected


def test_create_with_only_a_name(client: TestClient) -> None:
    assert make_company(client, name="Initech") == company(name="Initech")


def test_empty_strings_are_stored_as_null(client: TestClient) -> None:
    body = make_company(client, name=" Initech ", description="", phone=" ", address="",
                        city="", state="", country="", zipcode="", sla="", domains="")
    assert body == company(name="Initech")


@pytest.mark.parametrize(("sla", "shown"), [
    ("Standard SLA", "Standard SLA"),
    ("standard sla", "Standard SLA"),
    ("helpdesk default", "helpdesk default"),
    ("Helpdesk Default", "helpdesk default"),
    (None, "helpdesk default"),
])
def test_sla_names_a_policy_or_the_helpdesk_default(client: TestClient, sla: str | None,
                                                    shown: str) -> None:
    assert make_company(client, name="Initech", sla=sla)["sla"] == shown


def test_sla_can_name_any_policy_of_the_helpdesk(client: TestClient,
                                                 tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        create_policy(unit.session, name="Gold", first_response_minutes=30)
        unit.commit()
    assert make_company(client, name="Initech", sla="gold")["sla"] == "Gold"


def test_domains_are_normalized(client: TestClient) -> None:
    body = make_company(client, name="Contoso",
                        domains=" Contoso.COM ,orcael.com,, @contoso.com, münchen.de ")
    assert body["domains"] == "contoso.com, orcael.com, münchen.de"


@pytest.mark.parametrize(("payload", "message"), [
    ({}, "name is required"),
    ({"name": "  "}, "name is required and must not be empty"),
    ({"name": None}, "name: Input should be a valid string"),
    ({"name": 42}, "name: Input should be a valid string"),
    ({"name": "x" * 10_000}, "name: String should have at most 200 characters"),
    ({"name": "Initech", "city": "c" * 10_000}, "city: String should have at most 100 characters"),
    ({"name": "Initech", "zipcode": "1" * 21}, "zipcode: String should have at most 20 characters"),
    ({"name": "Initech", "address": "a" * 501},
     "address: String should have at most 500 characters"),
    ({"name": "Initech", "domains": ["initech.com"]}, "domains: Input should be a valid string"),
    ({"name": "Initech", "domains": "initech.com, not a domain"},
     "domains: 'not a domain' is not a valid domain name"),
    ({"name": "Initech", "domains": "localhost"},
     "domains: 'localhost' is not a valid domain name"),
    ({"name": "Initech", "domains": "a@initech.com"},
     "domains: 'a@initech.com' is not a valid domain name"),
    ({"name": "Initech", "domains": "x" * 300 + ".com"},
     "domains: '" + "x" * 40 + "'... is longer than 253 characters"),
    ({"name": "Initech", "sla": "Platinum"},
     "sla 'Platinum' is not an SLA policy of this helpdesk; use one of 'Standard SLA' or "
     "'helpdesk default'"),
    ({"name": "Initech", "sla": "No SLA Policy"},
     "sla 'No SLA Policy' is not an SLA policy of this helpdesk; use one of 'Standard SLA' or "
     "'helpdesk default'"),
    ({"name": "Init\u0000ech"}, "name: must not contain NUL characters"),
    ({"name": "Initech", "website": "initech.com"}, "website is not a known field"),
])
def test_create_refuses_bad_input_with_a_400_naming_the_field(
    client: TestClient, payload: dict[str, Any], message: str
) -> None:
    response = client.post("/apis/v3/companies/create", json=payload)
    assert response.status_code == 400
    assert response.json() == bad_request(message)
    assert client.get("/apis/v3/companies").json() == {"count": 0, "content": []}


def test_a_long_description_is_accepted(client: TestClient) -> None:
    text = "Lorem ipsum 🏢 " * 700
    assert make_company(client, name="Initech", description=text)["description"] == text.strip()


@pytest.mark.parametrize("raw", [b"[]", b'"Initech"', b"null"])
def test_a_body_that_is_not_an_object_is_a_400(client: TestClient, raw: bytes) -> None:
    response = client.post("/apis/v3/companies/create", content=raw,
                           headers={"Content-Type": "application/json"})
    assert response.json() == bad_request(
        "request body: Input should be a valid dictionary or object to extract fields from")


@pytest.mark.parametrize(("payload", "message"), [
    ({"name": "Contoso"}, "a company named 'Contoso' already exists"),
    ({"name": "CONTOSO "}, "a company named 'CONTOSO' already exists"),
    ({"name": "Fabrikam", "domains": "fabrikam.com, ORCAEL.com"},
     "domain 'orcael.com' already belongs to the company 'Contoso'"),
])
def test_a_taken_name_or_domain_is_a_409(client: TestClient, payload: dict[str, Any],
                                         message: str) -> None:
    make_company(client, name="Contoso", domains="contoso.com, orcael.com")
    response = client.post("/apis/v3/companies/create", json=payload)
    assert response.status_code == 409
    assert response.json() == conflict(message)
    assert client.get("/apis/v3/companies").json()["count"] == 1


def test_new_domains_do_not_move_existing_contacts(client: TestClient) -> None:
    client.post("/apis/v3/contacts/create",
                json={"name": "Old", "primary_email": "old@contoso.com"})
    make_company(client, name="Contoso", domains="contoso.com")
    old = client.get("/apis/v3/contacts/details", params={"primary_email": "old@contoso.com"})
    assert old.json()["company_name"] is None
    new = client.post("/apis/v3/contacts/create",
                      json={"name": "New", "primary_email": "new@contoso.com"})
    assert new.json()["company_name"] == "Contoso"


# --- details ----------------------------------------------------------------


def test_details_by_name_ignore_case(client: TestClient) -> None:
    created = make_company(client, **FULL)
    assert details(client, "contoso") == created
    assert details(client, " CONTOSO ") == created


def test_details_of_a_non_ascii_name(client: TestClient) -> None:
    created = make_company(client, name="Ünicode GmbH 🏭")
    assert details(client, "Ünicode GmbH 🏭") == created


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"name": "Initech"}, 404, "no company named 'Initech' exists"),
    ({"name": "x" * 5000}, 404, f"no company named {'x' * 5000!r} exists"),
    ({}, 400, "name is required"),
    ({"name": " "}, 400, "name is required"),
    ({"name": "a\u0000b"}, 400, "name must not contain NUL characters"),
])
def test_details_errors(client: TestClient, query: dict[str, str], status: int,
                        message: str) -> None:
    make_company(client, name="Contoso")
    response = client.get("/apis/v3/companies/details", params=query)
    assert response.status_code == status
    expected = not_found(message) if status == 404 else bad_request(message)
    assert response.json() == expected


# --- list -------------------------------------------------------------------


def test_list_items_carry_domains_as_an_array(client: TestClient) -> None:
    make_company(client, **FULL)
    make_company(client, name="Initech")
    body = client.get("/apis/v3/companies").json()
    assert body == {"count": 2, "content": [
        {**company(**FULL), "domains": ["contoso.com", "orcael.com"]},
        {**company(name="Initech"), "domains": []},
    ]}


def test_list_is_by_name_ignoring_case(client: TestClient) -> None:
    for name in ("beta", "Alpha", "gamma", "Delta"):
        make_company(client, name=name)
    names = [c["name"] for c in client.get("/apis/v3/companies").json()["content"]]
    assert names == ["Alpha", "beta", "Delta", "gamma"]


def test_list_comes_in_pages_of_30(client: TestClient, tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        for number in range(31):
            create_company(unit, data=CompanyCreate(name=f"Company {number:02d}",
                                                    domains=f"c{number:02d}.example"))
    first = client.get("/apis/v3/companies").json()
    assert first["count"] == 31
    assert [c["name"] for c in first["content"]] == [f"Company {n:02d}" for n in range(30)]
    assert [c["domains"] for c in first["content"]] == [[f"c{n:02d}.example"]
                                                        for n in range(30)]
    rest = client.get("/apis/v3/companies", params={"offset": "30"}).json()
    assert rest == {"count": 31, "content": [
        {**company(name="Company 30"), "domains": ["c30.example"]}]}
    assert client.get("/apis/v3/companies", params={"offset": "31"}).json() == {
        "count": 31, "content": []}


@pytest.mark.parametrize(("offset", "message"), [
    ("x", "offset must be a non-negative whole number, got 'x'"),
    ("-3", "offset must be a non-negative whole number, got '-3'"),
    ("1" * 30, "offset is too large (at most 1000000000000)"),
])
def test_list_refuses_a_bad_offset(client: TestClient, offset: str, message: str) -> None:
    response = client.get("/apis/v3/companies", params={"offset": offset})
    assert response.status_code == 400
    assert response.json() == bad_request(message)


# --- update -----------------------------------------------------------------


def test_update_changes_only_the_fields_sent(client: TestClient, tenant: TenantFixture) -> None:
    make_company(client, **FULL)
    tenant.clock.advance(days=1)
    response = client.put("/apis/v3/companies/update", params={"company_name": "contoso"},
                          json={"phone": "987654321", "city": ""})
    assert response.status_code == 200
    expected = company(**{**FULL, "domains": "contoso.com, orcael.com", "phone": "987654321",
                          "city": None, "updated_on": "2026-01-06 09:00:00"})
    assert response.json() == expected
    assert details(client, "Contoso") == expected


def test_update_renames_the_company_and_keeps_its_contacts(client: TestClient) -> None:
    make_company(client, name="Contoso", domains="contoso.com")
    client.post("/apis/v3/contacts/create",
                json={"name": "Joe", "primary_email": "joe@contoso.com"})
    response = client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
                          json={"name": "Contoso Ltd"})
    assert response.json() == company(name="Contoso Ltd", domains="contoso.com")
    joe = client.get("/apis/v3/contacts/details", params={"primary_email": "joe@contoso.com"})
    assert joe.json()["company_name"] == "Contoso Ltd"
    assert client.get("/apis/v3/companies/details", params={"name": "Contoso"}).status_code == 404


def test_update_can_change_the_case_of_its_own_name(client: TestClient) -> None:
    make_company(client, name="contoso")
    response = client.put("/apis/v3/companies/update", params={"company_name": "contoso"},
                          json={"name": "Contoso"})
    assert response.json()["name"] == "Contoso"


def test_update_replaces_the_domains(client: TestClient) -> None:
    make_company(client, name="Contoso", domains="contoso.com, orcael.com")
    response = client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
                          json={"domains": "ORCAEL.com, contoso.net"})
    assert response.json()["domains"] == "orcael.com, contoso.net"
    listed = client.get("/apis/v3/companies").json()["content"][0]
    assert listed["domains"] == ["orcael.com", "contoso.net"]
    # The released domain may go to another company; new contacts follow the domains.
    make_company(client, name="Other", domains="contoso.com")
    joe = client.post("/apis/v3/contacts/create",
                      json={"name": "Joe", "primary_email": "joe@contoso.net"})
    assert joe.json()["company_name"] == "Contoso"


@pytest.mark.parametrize("cleared", ["", None])
def test_update_clears_the_domains(client: TestClient, cleared: str | None) -> None:
    make_company(client, name="Contoso", domains="contoso.com")
    response = client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
                          json={"domains": cleared})
    assert response.json()["domains"] is None
    assert client.get("/apis/v3/companies").json()["content"][0]["domains"] == []


def test_update_sets_and_resets_the_sla(client: TestClient) -> None:
    make_company(client, name="Contoso")
    response = client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
                          json={"sla": "standard sla"})
    assert response.json()["sla"] == "Standard SLA"
    response = client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
                          json={"sla": "helpdesk default"})
    assert response.json()["sla"] == "helpdesk default"


@pytest.mark.parametrize(("query", "payload", "status", "message"), [
    ({"company_name": "Contoso"}, {"name": "fabrikam"}, 409,
     "a company named 'fabrikam' already exists"),
    ({"company_name": "Contoso"}, {"domains": "contoso.com, fabrikam.com"}, 409,
     "domain 'fabrikam.com' already belongs to the company 'Fabrikam'"),
    ({"company_name": "Contoso"}, {"name": ""}, 400, "name is required and must not be empty"),
    ({"company_name": "Contoso"}, {"sla": "Platinum"}, 400,
     "sla 'Platinum' is not an SLA policy of this helpdesk; use one of 'Standard SLA' or "
     "'helpdesk default'"),
    ({"company_name": "Contoso"}, {"domains": "bad domain"}, 400,
     "domains: 'bad domain' is not a valid domain name"),
    ({"company_name": "Contoso"}, {"state": "s" * 10_000}, 400,
     "state: String should have at most 100 characters"),
    ({"company_name": "Contoso"}, {"country": 1}, 400,
     "country: Input should be a valid string"),
    ({"company_name": "Contoso"}, {"domain": "x.com"}, 400, "domain is not a known field"),
    ({"company_name": "Initech"}, {"phone": "1"}, 404, "no company named 'Initech' exists"),
    ({}, {"phone": "1"}, 400, "company_name is required"),
    ({"company_name": "\u0000"}, {"phone": "1"}, 400,
     "company_name must not contain NUL characters"),
])
def test_update_errors(client: TestClient, query: dict[str, str], payload: dict[str, Any],
                       status: int, message: str) -> None:
    original = make_company(client, name="Contoso", domains="contoso.com")
    make_company(client, name="Fabrikam", domains="fabrikam.com")
    response = client.put("/apis/v3/companies/update", params=query, json=payload)
    assert response.status_code == status
    assert response.json()["message"] == message
    assert set(response.json()) == {"status", "error", "message"}
    assert details(client, "Contoso") == original


# --- tenants ----------------------------------------------------------------


def test_another_tenant_cannot_see_or_reach_the_companies(
    client: TestClient, other_tenant: TenantFixture
) -> None:
    make_company(client, name="Contoso", domains="contoso.com")
    headers = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    assert client.get("/apis/v3/companies", headers=headers).json() == {"count": 0,
                                                                        "content": []}
    response = client.get("/apis/v3/companies/details", params={"name": "Contoso"},
                          headers=headers)
    assert response.json() == not_found("no company named 'Contoso' exists")
    response = client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
                          json={"phone": "1"}, headers=headers)
    assert response.status_code == 404
    # Names and domains are unique per helpdesk only.
    response = client.post("/apis/v3/companies/create", headers=headers,
                           json={"name": "Contoso", "domains": "contoso.com"})
    assert response.status_code == 200
    joe = client.post("/apis/v3/contacts/create", headers=headers,
                      json={"name": "Joe", "primary_email": "joe@contoso.com"})
    assert joe.json()["company_name"] == "Contoso"
    assert client.get("/apis/v3/companies").json()["count"] == 1
    assert details(client, "Contoso")["phone"] is None
