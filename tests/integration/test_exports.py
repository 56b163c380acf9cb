"""CSV exports through the admin API: content, filters, formulas, keys, tenants.

Every CSV is parsed back with Python's ``csv`` module and compared cell by
cell; numbers the export generates are bare, text is quoted, and text a
spreadsheet would run as a formula carries a leading ``'``. Batching, the
snapshot and the CLI are in ``test_exports_streaming.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock
from supportdesk.tenancy.service import issue_key
from tests.exports_data import (
    COMPANY_HEADER,
    CONTACT_HEADER,
    CORPUS,
    TICKET_HEADER,
    build_hostile,
    build_small,
    export,
    formula_like,
    new_ticket,
    ok,
    table,
)
from tests.factories import TenantFixture, bad_request


@pytest.fixture
def small(client: TestClient, clock: FixedClock) -> TestClient:
    return build_small(client, clock)


def test_tickets_export_exactly(small: TestClient) -> None:
    response = export(small, "tickets")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="tickets-acme-2026-01-05.csv"')
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b'"ticket_number","contact_email","contact_name",')
    assert b'\r\n1,"joe@contoso.com","Joe","Printer jam","It jams, again","Open",10,' \
        in response.content
    assert table(response.content) == [
        TICKET_HEADER,
        ["1", "joe@contoso.com", "Joe", "Printer jam", "It jams, again", "Open", "10",
         "Incident", "15", "", "0", "alex.morgan@demo.example", "Contoso", "Standard SLA",
         "Sales", "Hardware", "Printer", "2026-01-05 09:04:00", "2026-01-05 09:04:00", "", "",
         "2026-01-06 09:04:00", "", "2026-01-05 09:04:00", "0", "", "", "",
         "alex.morgan@demo.example, priya.shah@demo.example", "", "0", "Sales", "E-17"],
        ["2", "new@solo.example", "new", 'Quote "this", please', "", "Pending", "1", "", "15",
         "", "0", "", "", "Standard SLA", "", "", "", "2026-01-05 09:05:00",
         "2026-01-05 09:05:00", "", "", "2026-01-06 09:05:00", "", "", "", "", "", "", "",
         "", "0", "", ""],
        ["3", "zoe@solo.example", "Zoë", "Línea dos, ñ", "", "Open", "1", "", "15",
         "", "0", "", "Zoë AG", "Standard SLA", "", "", "", "2026-01-05 09:06:00",
         "2026-01-05 09:06:00", "", "", "2026-01-06 09:06:00", "", "", "", "", "", "", "",
         "", "0", "", ""],
    ]


def test_contacts_export_exactly(small: TestClient) -> None:
    response = export(small, "contacts")
    assert response.headers["content-disposition"] == (
        'attachment; filename="contacts-acme-2026-01-05.csv"')
    assert response.content == (
        '"name","primary_email","secondary_emails","title","mobile","phone","company_name",'
        '"is_deleted","created_on","updated_on"\r\n'
        '"Joe","joe@contoso.com","joe@contoso.net, j@contoso.com","Manager","07700 900123",'
        '"","Contoso",0,"2026-01-05 09:02:00","2026-01-05 09:02:00"\r\n'
        '"Zoë","zoe@solo.example","","","","","Zoë AG",0,"2026-01-05 09:03:00",'
        '"2026-01-05 09:03:00"\r\n'
        '"new","new@solo.example","","","","","",0,"2026-01-05 09:05:00",'
        '"2026-01-05 09:05:00"\r\n'
    ).encode()


def test_companies_export_exactly(small: TestClient) -> None:
    response = export(small, "companies")
    assert response.headers["content-disposition"] == (
        'attachment; filename="companies-acme-2026-01-05.csv"')
    assert response.content == (
        '"name","description","phone","address","city","state","country","zipcode","sla",'
        '"domains","created_on","updated_on"\r\n'
        '"Contoso","Says ""hi"", then\nleaves","123456789","","Springfield","","","",'
        '"helpdesk default","contoso.com, contoso.net","2026-01-05 09:00:00",'
        '"2026-01-05 09:00:00"\r\n'
        '"Zoë AG","","","","","","","","Standard SLA","","2026-01-05 09:01:00",'
        '"2026-01-05 09:01:00"\r\n'
    ).encode()


def test_an_empty_tenant_exports_only_headers(client: TestClient) -> None:
    assert table(export(client, "tickets").content) == [TICKET_HEADER]
    assert export(client, "contacts").content.decode() == (
        ",".join(f'"{name}"' for name in CONTACT_HEADER.split(",")) + "\r\n")
    assert export(client, "companies").content.decode() == (
        ",".join(f'"{name}"' for name in COMPANY_HEADER.split(",")) + "\r\n")


def test_the_byte_order_mark_is_on_request(small: TestClient) -> None:
    plain = export(small, "contacts").content
    marked = export(small, "contacts", bom="1").content
    assert marked == b"\xef\xbb\xbf" + plain
    assert export(small, "contacts", bom="0").content == plain


def _list_numbers(client: TestClient, **params: str) -> list[int]:
    response = client.get("/apis/v3/tickets", params={**params, "ticket_count": "100"})
    assert response.status_code == 200, response.text
    return sorted(ticket["ticket_number"] for ticket in response.json()["tickets"])


@pytest.mark.parametrize("filters", [
    {"status": ["Pending"]},
    {"status": ["open"]},
    {"company_name": ["contoso", "--"]},
    {"company_name": ["--"]},
    {"custom_fields": {"cf_Department": ["sales"]}},
    {"custom_fields": {"cf_Department": ["--"]}},
    {"priority": ["10", "1"], "contact": ["ZOE@solo.example"]},
    {"assigned_to": ["alex.morgan@demo.example"]},
    {"group": ["Nobody"]},
    {},
])
def test_filters_select_what_the_ticket_list_selects(
        small: TestClient, filters: dict[str, Any]) -> None:
    text = json.dumps(filters)
    exported = [int(row[0]) for row in table(export(small, "tickets", filters=text).content)[1:]]
    assert exported == _list_numbers(small, filters=text)


def test_updated_since(small: TestClient, clock: FixedClock) -> None:
    clock.advance(hours=1)
    response = small.put("/apis/v3/tickets/update", params={"ticket_number": "1"},
                         json={"subject": "Printer jam (again)"})
    assert response.status_code == 200, response.text
    for since, numbers in (("2026-01-05 09:05:00", [1, 2, 3]),
                           ("2026-01-05 09:05:01", [1, 3]),
                           ("2026-01-05 10:00:00", [1]),
                           ("2026-01-05 10:06:01", [])):
        rows = table(export(small, "tickets", updated_since=since).content)
        assert [int(row[0]) for row in rows[1:]] == numbers, since
        assert [int(row[0]) for row in rows[1:]] == _list_numbers(small, updated_since=since)


@pytest.mark.parametrize("params", [
    {"filters": "{"},
    {"filters": "[]"},
    {"filters": '{"colour": ["red"]}'},
    {"filters": '{"status": "Open"}'},
    {"filters": '{"priority": ["high"]}'},
    {"filters": '{"custom_fields": {"cf_Nope": ["x"]}}'},
    {"filters": "x" * 20_000},
    {"updated_since": "yesterday"},
])
def test_bad_filters_are_the_lists_400(client: TestClient, params: dict[str, str]) -> None:
    listed = client.get("/apis/v3/tickets", params=params)
    exported = client.get("/apis/admin/exports/tickets.csv", params=params)
    assert listed.status_code == 400
    assert (exported.status_code, exported.json()) == (400, listed.json())
    assert exported.headers["content-type"] == "application/json"


def test_bad_bom_flag_is_400(client: TestClient) -> None:
    for kind in ("tickets", "contacts", "companies"):
        response = client.get(f"/apis/admin/exports/{kind}.csv", params={"bom": "yes"})
        assert (response.status_code, response.json()) == (
            400, bad_request("bom must be 0 or 1, got 'yes'"))


def test_custom_field_columns(client: TestClient) -> None:
    for body in ({"label": "Products", "field_type": "multi-select",
                  "choices": ["=SUM(A1)", "Plain", "-Minus"]},
                 {"label": "Seats", "field_type": "number"},
                 {"label": "Ratio", "field_type": "decimal"},
                 {"label": "Renewal", "field_type": "date"},
                 {"label": "VIP", "field_type": "checkbox"},
                 {"label": "Notes", "field_type": "paragraph"}):
        ok(client, "/apis/admin/custom_fields", body)
    new_ticket(client, email="a@x.example", subject="all set", custom_fields={
        "cf_Products": ["Plain", "=SUM(A1)"], "cf_Seats": -7, "cf_Ratio": 2.5,
        "cf_Renewal": "2026-02-01", "cf_VIP": True, "cf_Notes": "line 1\n=line 2",
        "cf_Department": "Billing", "cf_Employee ID": "=E1"})
    new_ticket(client, email="a@x.example", subject="none set")
    new_ticket(client, email="a@x.example", subject="unticked",
               custom_fields={"cf_VIP": False, "cf_Products": ["-Minus"], "cf_Seats": 0})
    content = export(client, "tickets").content
    rows = table(content)
    assert rows[0][-8:] == ["cf_Department", "cf_Employee ID", "cf_Products", "cf_Seats",
                            "cf_Ratio", "cf_Renewal", "cf_VIP", "cf_Notes"]
    assert [row[-8:] for row in rows[1:]] == [
        ["Billing", "'=E1", "Plain, =SUM(A1)", "-7", "2.5", "2026-02-01", "true",
         "line 1\n=line 2"],
        ["", "", "", "", "", "", "", ""],
        ["", "", "'-Minus", "0", "", "", "false", ""],
    ]
    # Numbers are bare (a spreadsheet reads -7 as a number, not a formula); text is quoted.
    assert b',"Billing","\'=E1","Plain, =SUM(A1)",-7,2.5,"2026-02-01","true",' in content


def test_hostile_corpus_is_neutralised(client: TestClient) -> None:
    build_hostile(client)
    tickets = table(export(client, "tickets").content)
    header = tickets[0]
    text_columns = ["contact_name", "subject", "description_text", "company_name",
                    "cf_Employee ID", "cf_Tags"]
    for index, value in enumerate(CORPUS):
        row = dict(zip(header, tickets[index + 1], strict=True))
        # The JSON API keeps the value as sent: the prefix is the export's alone.
        details = client.get("/apis/v3/tickets/details",
                             params={"ticket_number": str(index + 1)}).json()
        assert (details["subject"], details["description_text"]) == (value, value)
        assert {name: row[name] for name in text_columns} == dict.fromkeys(
            text_columns, "'" + value), value
    contacts = table(export(client, "contacts").content)
    for index, value in enumerate(CORPUS):
        assert contacts[index + 1] == [
            "'" + value, f"contact{index}@hostile.example", "", "'" + value,
            "'" + value[:50], "'" + value[:50], "'" + value, "0", "2026-01-05 09:00:00",
            "2026-01-05 09:00:00"], value
    companies = table(export(client, "companies").content)
    for index, value in enumerate(CORPUS):
        assert companies[index + 1] == [
            "'" + value, "'" + value, "'" + value[:50], "'" + value, "'" + value[:100],
            "'" + value[:100], "'" + value[:100], "'" + value[:20], "helpdesk default", "",
            "2026-01-05 09:00:00", "2026-01-05 09:00:00"], value
    for rows in (tickets, contacts, companies):
        assert [cell for row in rows for cell in row if formula_like(cell)] == []


def test_admin_key_is_required(app_client: TestClient, tenant: TenantFixture) -> None:
    with tenant.database.session(write=True) as session:
        plain = issue_key(session, tenant_id=tenant.tenant_id, label="plain").secret
        session.commit()
    for kind in ("tickets", "contacts", "companies"):
        response = app_client.get(f"/apis/admin/exports/{kind}.csv",
                                  headers={"Authorization": plain})
        assert (response.status_code, response.json()) == (403, {
            "status": 403, "error": "Forbidden",
            "message": "this operation needs an administrator API key "
                       "(supportdesk apikey create --admin)"})
        anonymous = app_client.get(f"/apis/admin/exports/{kind}.csv")
        assert anonymous.status_code == 401


def test_another_tenants_data_never_appears(small: TestClient,
                                            other_tenant: TenantFixture) -> None:
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    assert small.post("/apis/admin/custom_fields", headers=globex, json={
        "label": "Globex secret", "field_type": "text"}).status_code == 201
    assert small.post("/apis/v3/companies/create", headers=globex, json={
        "name": "GLOBEX-MARK Corp", "domains": "globex.example"}).status_code == 200
    assert small.post("/apis/v3/tickets/create", headers=globex, json={
        "email": "spy@globex.example", "subject": "GLOBEX-MARK ticket",
        "custom_fields": {"cf_Globex secret": "GLOBEX-MARK"}}).status_code == 200
    for kind in ("tickets", "contacts", "companies"):
        acme = export(small, kind).content
        assert b"globex" not in acme.lower(), kind
        # Globex's key answers globex's data on globex's host, and acme's key cannot ask.
        theirs = small.get(f"/apis/admin/exports/{kind}.csv", headers=globex)
        assert theirs.status_code == 200
        assert b"acme" not in theirs.content
        assert b"contoso" not in theirs.content.lower()
        cross = small.get(f"/apis/admin/exports/{kind}.csv",
                          headers={"Host": other_tenant.host})
        assert cross.status_code == 401
    assert table(export(small, "tickets").content)[0] == TICKET_HEADER
    rows = table(small.get("/apis/admin/exports/tickets.csv", headers=globex).content)
    assert rows[0][-3:] == ["cf_Department", "cf_Employee ID", "cf_Globex secret"]
    assert [row[0] for row in rows[1:]] == ["1"]
    assert (rows[1][3], rows[1][-1]) == ("GLOBEX-MARK ticket", "GLOBEX-MARK")
