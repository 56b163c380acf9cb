"""The create path answers and indexes from what it wrote, without reading it back.

``create_ticket`` builds its response and the ticket's search document from
the values it inserted. These tests hold both to what a fresh read gives: the
details endpoint for the response, a rebuild of the index for the document.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from supportdesk.search.index import reindex_tickets
from tests.factories import TenantFixture

CREATE = "/apis/v3/tickets/create"


def _index_rows(tenant: TenantFixture) -> list[tuple[str, ...]]:
    """The tenant's search documents as text, ordered by ticket."""
    with tenant.database.engine.connect() as connection:
        if tenant.database.dialect == "postgresql":
            rows = connection.execute(text(
                "SELECT ticket_number::text, number::text, subject::text, attachments::text, "
                "custom::text, people::text, fields::text, description::text, "
                "conversations::text FROM ticket_search WHERE tenant_id = :t "
                "ORDER BY ticket_number"), {"t": tenant.tenant_id})
        else:
            rows = connection.execute(text(
                "SELECT rowid, * FROM ticket_search WHERE rowid BETWEEN :low AND :high "
                "ORDER BY rowid"),
                {"low": tenant.tenant_id << 40, "high": (tenant.tenant_id + 1) << 40})
        return [tuple(str(value) for value in row) for row in rows]


def _details(client: TestClient, number: int) -> dict[str, Any]:
    response = client.get("/apis/v3/tickets/details", params={"ticket_number": str(number)})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _gold_company(client: TestClient) -> None:
    """Company Contoso (contoso.com) on its own SLA policy, Gold (8 hours)."""
    gold = client.post("/apis/admin/sla_policies",
                       json={"name": "Gold", "resolution_minutes": 480})
    assert gold.status_code in (200, 201), gold.text
    company = client.post("/apis/v3/companies/create",
                          json={"name": "Contoso", "domains": "contoso.com", "sla": "Gold"})
    assert company.status_code == 200, company.text


def test_the_create_answer_is_what_the_details_endpoint_reads_back(
        client: TestClient) -> None:
    _gold_company(client)
    response = client.post(CREATE, json={
        "email": "Ann@Contoso.com", "subject": "Invoice missing",
        "description": "<p>Where is <b>my</b> invoice?</p>", "priority": 20,
        "status": "Open", "group": "Sales", "category": "Hardware", "sub_category": "Printer",
        "custom_fields": {"cf_Department": "Billing", "cf_Employee ID": "E-7"},
        "share_to": ["boss@contoso.com"]})
    assert response.status_code == 200, response.text
    created = response.json()
    assert created == _details(client, created["ticket_number"])
    assert (created["contact_email"], created["company_name"], created["sla"],
            created["created_on"], created["due_date"]) == (
        "ann@contoso.com", "Contoso", "Gold", "2026-01-05 09:00:00", "2026-01-05 17:00:00")


def test_a_contact_without_a_company_gets_the_default_policy(client: TestClient) -> None:
    created = client.post(CREATE, json={"email": "solo@example.com", "subject": "Hi"}).json()
    assert created == _details(client, created["ticket_number"])
    assert (created["company_name"], created["sla"], created["due_date"]) == (
        None, "Standard SLA", "2026-01-06 09:00:00")


def test_the_answer_with_attachments_is_what_the_details_endpoint_reads_back(
        client: TestClient) -> None:
    response = client.post(
        "/apis/v3/tickets/create_with_attachment",
        data={"ticket_object": '{"email": "pat@example.com", "subject": "With files"}'},
        files=[("files", ("report.txt", b"hello", "text/plain")),
               ("files", ("screen shot.png", b"\x89PNG", "image/png"))])
    assert response.status_code == 200, response.text
    created = response.json()
    assert created == _details(client, created["ticket_number"])
    assert [a["file_name"] for a in created["attachments"]] == ["report.txt",
                                                                 "screen shot.png"]


def test_the_document_written_at_create_is_the_one_a_rebuild_makes(
        client: TestClient, tenant: TenantFixture) -> None:
    _gold_company(client)
    client.post(CREATE, json={
        "email": "ann@contoso.com", "subject": "Printer jammed",
        "description": "<p>Tray <i>two</i> is stuck</p>",
        "custom_fields": {"cf_Department": "Billing", "cf_Employee ID": "E-7"}})
    client.post(CREATE, json={"email": "solo@example.com", "subject": "No description"})
    client.post("/apis/v3/tickets/create_with_attachment",
                data={"ticket_object": '{"email": "pat@example.com", "subject": "Files"}'},
                files=[("file", ("quarterly-report.pdf", b"%PDF", "application/pdf"))])
    written = _index_rows(tenant)
    assert len(written) == 3
    # people: the contact's name and address, then the company's name.
    assert written[0][5] == ("ann ann@contoso.com Contoso" if tenant.database.dialect == "sqlite"
                             else "'ann':1,2 'com':4 'contoso':3,5")
    with tenant.unit() as unit:
        reindex_tickets(unit.session, unit.tenant_id, [1, 2, 3], unit.catalog.custom_fields)
        unit.commit()
    assert _index_rows(tenant) == written
