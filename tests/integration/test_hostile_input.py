"""Hostile input: script in every HTML field is neutralised; no field can break a header."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import TenantFixture, bad_request

# Classic payloads: each must come back with nothing a browser would run.
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "\"><script>alert(1)</script>",
]
EXECUTABLE = ("<script", "onerror", "onload", "javascript:", "<iframe", "<object", "<meta",
              "<form", "<style", "<svg", "<math", "<body", "style=")


def _assert_inert(html: str | None) -> None:
    assert html is not None
    lowered = html.lower()
    assert [marker for marker in EXECUTABLE if marker in lowered] == [], html


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_ticket_description_reply_and_note_keep_nothing_executable(
    client: TestClient, payload: str,
) -> None:
    created = client.post("/apis/v3/tickets/create", json={
        "email": "pat@example.com", "subject": "XSS", "description": f"<p>hi</p>{payload}"})
    assert created.status_code == 200
    _assert_inert(created.json()["description"])
    number = created.json()["ticket_number"]
    updated = client.put(f"/apis/v3/tickets/update?ticket_number={number}",
                         json={"description": f"<p>new</p>{payload}"})
    assert updated.status_code == 200
    _assert_inert(updated.json()["description"])
    reply = client.post(f"/apis/v3/tickets/add_reply?ticket_number={number}",
                        json={"body": f"ok {payload}"})
    assert reply.status_code == 201
    _assert_inert(reply.json()["body"])
    note = client.post(f"/apis/v3/tickets/add_note?ticket_number={number}",
                       json={"body": f"note {payload}", "private_note": 0})
    assert note.status_code == 201
    _assert_inert(note.json()["body"])
    conversations = client.get(f"/apis/v3/tickets/conversations?ticket_number={number}")
    for message in conversations.json()["conversations"]:
        _assert_inert(message["body"])
    details = client.get(f"/apis/v3/tickets/details?ticket_number={number}")
    _assert_inert(details.json()["description"])


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_kb_article_content_keeps_nothing_executable(client: TestClient,
                                                    payload: str) -> None:
    assert client.post("/apis/v3/kb/category/create",
                       json={"category_name": "Help"}).status_code == 200
    assert client.post("/apis/v3/kb/folder/create",
                       json={"category_name": "Help", "folder_name": "Printers"}
                       ).status_code == 200
    created = client.post("/apis/v3/kb/article/create", json={
        "category_name": "Help", "folder_name": "Printers", "article_title": "Jam",
        "article_content": f"<p>Open the tray</p>{payload}", "status": 1})
    assert created.status_code == 200, created.text
    details = client.get("/apis/v3/kb/article/details?article_name=Jam")
    _assert_inert(details.json()["article_content"])


def test_custom_field_text_is_returned_as_data_never_as_markup(client: TestClient) -> None:
    payload = "<script>alert(1)</script>"
    created = client.post("/apis/v3/tickets/create", json={
        "email": "pat@example.com", "subject": "cf",
        "custom_fields": {"cf_Employee ID": payload}})
    assert created.status_code == 200
    # A JSON string value: a client that renders it must escape it, as for any data.
    assert created.json()["custom_fields"]["cf_Employee ID"] == payload
    assert created.headers["content-type"] == "application/json"


LINE_BREAKS = ["a\r\nBcc: evil@example.com", "a\nBcc: evil@example.com",
               "a\rBcc: evil@example.com", "a\x0bb", "a\x1bb", "a\x7fb"]
ONE_LINE = "must be one line: it contains a line break or another control character"


@pytest.mark.parametrize("value", LINE_BREAKS)
def test_a_subject_cannot_carry_a_header(client: TestClient, tenant: TenantFixture,
                                         value: str) -> None:
    created = client.post("/apis/v3/tickets/create",
                          json={"email": "pat@example.com", "subject": value})
    assert created.status_code == 400
    assert created.json() == bad_request(f"subject {ONE_LINE}")
    assert client.post("/apis/v3/tickets/create", json={
        "email": "pat@example.com", "subject": "fine\tsubject"}).status_code == 200
    updated = client.put("/apis/v3/tickets/update?ticket_number=1", json={"subject": value})
    assert updated.json() == bad_request(f"subject {ONE_LINE}")
    assert client.get("/apis/v3/tickets/details?ticket_number=1").json()["subject"] == \
        "fine\tsubject"


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/apis/v3/contacts/create", {"name": "{v}", "primary_email": "eve@example.com"}, "name"),
    ("/apis/v3/contacts/create", {"name": "Eve", "primary_email": "eve@example.com",
                                  "title": "{v}"}, "title"),
    ("/apis/v3/contacts/create", {"name": "Eve", "primary_email": "eve@example.com",
                                  "phone": "{v}"}, "phone"),
    ("/apis/v3/companies/create", {"name": "{v}"}, "name"),
])
def test_names_cannot_carry_a_header(client: TestClient, path: str, body: dict[str, Any],
                                     field: str) -> None:
    for value in LINE_BREAKS:
        sent = {key: (value if item == "{v}" else item) for key, item in body.items()}
        response = client.post(path, json=sent)
        assert response.status_code == 400
        assert response.json() == bad_request(f"{field}: {ONE_LINE}")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/apis/v3/tickets/add_reply?ticket_number=1", {"body": "x", "cc_emails": "{v}"},
     "cc_emails"),
    ("/apis/v3/tickets/add_reply?ticket_number=1", {"body": "x", "bcc_emails": "{v}"},
     "bcc_emails"),
    ("/apis/v3/tickets/add_note?ticket_number=1", {"body": "x", "notify_emails": "{v}"},
     "notify_emails"),
])
def test_address_lists_cannot_carry_a_header(client: TestClient, path: str,
                                             body: dict[str, Any], field: str) -> None:
    client.post("/apis/v3/tickets/create", json={"email": "pat@example.com", "subject": "s"})
    value = "ok@example.com\r\nBcc: evil@example.com"
    sent = {key: (value if item == "{v}" else item) for key, item in body.items()}
    response = client.post(path, json=sent)
    assert response.status_code == 400
    assert response.json() == bad_request(
        f"{field} 'ok@example.com\\r\\nBcc: evil@example.com' is not a valid email address")
    created = client.post("/apis/v3/tickets/create",
                          json={"email": "pat@example.com\r\nBcc: e@example.com",
                                "subject": "s"})
    assert created.status_code == 400


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400(client: TestClient, tenant: TenantFixture,
                                     depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = '{"email": "pat@example.com", "subject": "s", "custom_fields": ' + nested + "}"
    response = client.post("/apis/v3/tickets/create", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert client.get("/apis/v3/tickets").json()["count"] == 0
