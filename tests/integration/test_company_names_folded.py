"""Company names compare by Unicode case folding on both databases (``name_folded``).

SQLite's lower() folds ASCII letters only, so "ÉCOLE" and "école" used to be
different names there; Python's ``str.casefold()``, stored with the name,
makes them one, and folds "Straße" to "strasse" as well.
"""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from supportdesk.companies.models import Company
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture, conflict

COMPANIES = {"école": "ecole.example", "Straße GmbH": "strasse.example",
             "STRASSE AG": "ag.example"}


def make_companies(client: TestClient) -> None:
    for name, domain in COMPANIES.items():
        response = client.post("/apis/v3/companies/create", json={"name": name,
                                                                   "domains": domain})
        assert response.status_code == 200, response.text


def listed(client: TestClient, names: list[str]) -> tuple[int, list[int]]:
    body = client.get("/apis/v3/tickets", params={
        "filters": json.dumps({"company_name": names}), "ticket_count": "100"}).json()
    return body["count"], [t["ticket_number"] for t in body["tickets"]]


def test_the_folded_name_is_stored(client: TestClient, tenant: TenantFixture) -> None:
    make_companies(client)
    with tenant.unit(write=False) as unit:
        stored = dict(unit.session.execute(select(Company.name, Company.name_folded)).all())
    assert stored == {"école": "école", "Straße GmbH": "strasse gmbh",
                      "STRASSE AG": "strasse ag"}


def test_the_company_filter_folds_non_ascii_names(client: TestClient,
                                                  tenant: TenantFixture) -> None:
    make_companies(client)
    with tenant.unit() as unit:
        for email in ["a@ecole.example", "b@strasse.example", "c@ag.example",
                      "d@ecole.example", "e@nowhere.example"]:
            create_ticket(unit, NewTicket(contact_email=email, subject=email))
    assert listed(client, ["ÉCOLE"]) == (2, [4, 1])
    assert listed(client, ["STRASSE GMBH"]) == (1, [2])
    assert listed(client, ["straße gmbh", "strasse ag"]) == (2, [3, 2])
    assert listed(client, ["Strasse"]) == (0, [])
    assert listed(client, ["ÉCOLE", "--"]) == (3, [5, 4, 1])


def test_a_renamed_company_is_found_by_its_new_folded_name(client: TestClient,
                                                           tenant: TenantFixture) -> None:
    make_companies(client)
    with tenant.unit() as unit:
        create_ticket(unit, NewTicket(contact_email="a@ecole.example", subject="one"))
    response = client.put("/apis/v3/companies/update", params={"company_name": "ÉCOLE"},
                          json={"name": "Größe"})
    assert response.status_code == 200, response.text
    assert listed(client, ["GRÖSSE"]) == (1, [1])
    assert listed(client, ["école"]) == (0, [])
    assert client.get("/apis/v3/companies/details",
                      params={"name": "grösse"}).json()["name"] == "Größe"


def test_names_equal_when_folded_collide(client: TestClient) -> None:
    make_companies(client)
    response = client.post("/apis/v3/companies/create", json={"name": "ÉCOLE"})
    assert response.status_code == 409
    assert response.json() == conflict("a company named 'ÉCOLE' already exists")
    response = client.post("/apis/v3/companies/create", json={"name": "strasse gmbh"})
    assert response.status_code == 409
