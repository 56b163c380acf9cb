"""Replies, notes, conversations and attachments: exact bodies and counts."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import TenantFixture

MESSAGE_KEYS = [
    "ticket_number", "created_by", "creator_name", "type", "public_note", "sender_type",
    "cc_address", "bcc_address", "to_address", "notified_agents", "body", "body_text",
    "attachments_count", "attachments", "created_on", "is_email_deliveribility_failiure",
    "email_bounce_type", "email_bounce_status",
]


@pytest.fixture
def ticket(client: TestClient) -> dict[str, Any]:
    response = client.post("/apis/v3/tickets/create",
                           json={"email": "casey@example.com", "subject": "Help"})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def details(client: TestClient, number: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/apis/v3/tickets/details?ticket_number={number}").json()
    return body


def test_add_reply_is_201_with_the_exact_body(client: TestClient, tenant: TenantFixture,
                                              ticket: dict[str, Any]) -> None:
    tenant.clock.advance(minutes=12)
    response = client.post("/apis/v3/tickets/add_reply?ticket_number=1", json={
        "body": "<p>On it <script>x()</script></p>", "cc_emails": "A@x.io, b@x.io,,a@x.io",
        "bcc_emails": "boss@x.io", "agent_email": "priya.shah@demo.example"})
    assert response.status_code == 201
    assert response.json() == {
        "body": "<p>On it </p>", "cc_emails": "a@x.io,b@x.io", "bcc_emails": "boss@x.io",
        "from_email": "support@acme.localhost", "to_email": "casey@example.com",
        "ticket_number": 1, "attachments": []}
    after = details(client)
    assert (after["conversation_count"], after["first_response_time"],
            after["first_replied_duration"], after["updated_on"]) == (
        1, "2026-01-05 09:12:00", 12, "2026-01-05 09:12:00")


def test_reply_defaults_and_include_prev_ccs(client: TestClient, ticket: dict[str, Any]) -> None:
    client.post("/apis/v3/tickets/add_reply?ticket_number=1",
                json={"body": "one", "cc_emails": "a@x.io"})
    response = client.post("/apis/v3/tickets/add_reply?ticket_number=1", json={
        "body": "two", "cc_emails": "c@x.io", "include_prev_ccs": "1",
        "from_email": "Help@Acme.example"})
    assert response.json() == {
        "body": "two", "cc_emails": "c@x.io,a@x.io", "bcc_emails": None,
        "from_email": "help@acme.example", "to_email": "casey@example.com",
        "ticket_number": 1, "attachments": []}


def test_private_and_public_notes(client: TestClient, ticket: dict[str, Any]) -> None:
    private = client.post("/apis/v3/tickets/add_note?ticket_number=1",
                          json={"body": "secret", "notify_emails": "sam.oduya@demo.example"})
    assert private.status_code == 201
    assert private.json() == {"body": "secret", "notify_emails": "sam.oduya@demo.example",
                              "to_email": None, "ticket_number": 1, "private_note": 1,
                              "attachments": []}
    public = client.post("/apis/v3/tickets/add_note?ticket_number=1",
                         json={"body": "hello", "private_note": 0})
    assert public.status_code == 201
    assert public.json() == {"body": "hello", "notify_emails": None,
                             "to_email": "casey@example.com", "ticket_number": 1,
                             "private_note": 0, "attachments": []}
    after = details(client)
    # Notes are not a first response to the customer.
    assert (after["conversation_count"], after["first_response_time"]) == (2, None)


def test_conversations_counts_flags_and_sort(client: TestClient, tenant: TenantFixture,
                                             ticket: dict[str, Any]) -> None:
    client.post("/apis/v3/tickets/add_reply?ticket_number=1",
                json={"body": "r1", "cc_emails": "a@x.io", "agent_email":
                      "sam.oduya@demo.example"})
    tenant.clock.advance(minutes=1)
    client.post("/apis/v3/tickets/add_note?ticket_number=1", json={"body": "private"})
    tenant.clock.advance(minutes=1)
    client.post("/apis/v3/tickets/add_note?ticket_number=1",
                json={"body": "<b>public</b>", "private_note": "0"})
    body = client.get("/apis/v3/tickets/conversations?ticket_number=1").json()
    assert list(body) == ["count", "agent_reply_count", "contact_reply_count",
                          "public_note_count", "private_note_count", "forward_message_count",
                          "conversations"]
    assert {k: v for k, v in body.items() if k != "conversations"} == {
        "count": 3, "agent_reply_count": 1, "contact_reply_count": 0, "public_note_count": 1,
        "private_note_count": 1, "forward_message_count": 0}
    first = body["conversations"][0]
    assert list(first) == MESSAGE_KEYS
    assert first == {
        "ticket_number": 1, "created_by": "sam.oduya@demo.example", "creator_name": "Sam Oduya",
        "type": "reply", "public_note": None, "sender_type": "agent", "cc_address": "a@x.io",
        "bcc_address": None, "to_address": "casey@example.com", "notified_agents": None,
        "body": "r1", "body_text": "r1", "attachments_count": 0, "attachments": [],
        "created_on": "2026-01-05 09:00:00", "is_email_deliveribility_failiure": False,
        "email_bounce_type": None, "email_bounce_status": None}
    assert [(m["type"], m["public_note"], m["body_text"], m["created_by"])
            for m in body["conversations"]] == [
        ("reply", None, "r1", "sam.oduya@demo.example"),
        ("note", False, "private", "alex.morgan@demo.example"),
        ("note", True, "public", "alex.morgan@demo.example")]
    latest = client.get("/apis/v3/tickets/conversations",
                        params={"ticket_number": "1", "sort_by": "latest_on_top"}).json()
    assert [m["body_text"] for m in latest["conversations"]] == ["public", "private", "r1"]
    only_notes = client.get("/apis/v3/tickets/conversations", params={
        "ticket_number": "1", "include_agent_replies": "0",
        "include_private_notes": "0"}).json()
    assert (only_notes["count"], only_notes["agent_reply_count"],
            [m["body_text"] for m in only_notes["conversations"]]) == (1, 1, ["public"])
    assert details(client)["conversation_count"] == 3


def test_conversations_of_an_empty_and_a_missing_ticket(client: TestClient,
                                                        ticket: dict[str, Any]) -> None:
    assert client.get("/apis/v3/tickets/conversations?ticket_number=1").json() == {
        "count": 0, "agent_reply_count": 0, "contact_reply_count": 0, "public_note_count": 0,
        "private_note_count": 0, "forward_message_count": 0, "conversations": []}
    missing = client.get("/apis/v3/tickets/conversations?ticket_number=7")
    assert (missing.status_code, missing.json()) == (404, {
        "status": 404, "error": "Not Found", "message": "ticket 7 does not exist"})
    reply = client.post("/apis/v3/tickets/add_reply?ticket_number=7", json={"body": "x"})
    assert (reply.status_code, reply.json()["message"]) == (404, "ticket 7 does not exist")


def test_create_with_attachment_form_field_and_query(client: TestClient) -> None:
    ticket_object = json.dumps({"email": "dee@example.com", "subject": "Files"})
    response = client.post("/apis/v3/tickets/create_with_attachment",
                           data={"ticket_object": ticket_object},
                           files=[("file", ("report.pdf", b"%PDF-1", "application/pdf"))])
    assert response.status_code == 200
    body = response.json()
    assert (body["ticket_number"], body["source"], body["subject"]) == (1, 15, "Files")
    [attachment] = body["attachments"]
    assert {k: v for k, v in attachment.items() if k != "attachment_url"} == {
        "file_name": "report.pdf", "file_size": 6, "file_type": "application/pdf"}
    assert attachment["attachment_url"].startswith("http://acme.localhost/apis/v3/attachments/")
    assert attachment["attachment_url"].endswith("/report.pdf")
    assert details(client)["attachments"] == [attachment]
    # The vendor document puts the object in the query string; that works too.
    second = client.post("/apis/v3/tickets/create_with_attachment",
                         params={"ticket_object": ticket_object},
                         files=[("files", ("a b.txt", b"A", "text/plain")),
                                ("files", ("c.txt", b"CC", "text/plain"))])
    assert second.status_code == 200
    assert [(a["file_name"], a["file_size"]) for a in second.json()["attachments"]] == [
        ("a b.txt", 1), ("c.txt", 2)]
    assert second.json()["attachments"][0]["attachment_url"].endswith("/a%20b.txt")
    # The update response has no attachments, details keep them.
    updated = client.put("/apis/v3/tickets/update?ticket_number=2", json={"priority": 5})
    assert "attachments" not in updated.json()
    assert len(details(client, 2)["attachments"]) == 2


def test_reply_and_note_with_attachments(client: TestClient, ticket: dict[str, Any]) -> None:
    reply = client.post("/apis/v3/tickets/add_reply_with_attachment?ticket_number=1",
                        data={"reply_object": '{"body": "see file", "cc_emails": "a@x.io"}'},
                        files=[("file", ("one.txt", b"1", "text/plain")),
                               ("files", ("two.txt", b"22", "text/plain"))])
    assert reply.status_code == 201
    body = reply.json()
    assert {k: v for k, v in body.items() if k != "attachments"} == {
        "body": "see file", "cc_emails": "a@x.io", "bcc_emails": None,
        "from_email": "support@acme.localhost", "to_email": "casey@example.com",
        "ticket_number": 1}
    assert [(a["file_name"], a["file_size"], a["file_type"]) for a in body["attachments"]] == [
        ("one.txt", 1, "text/plain"), ("two.txt", 2, "text/plain")]
    note = client.post("/apis/v3/tickets/add_note_with_attachment",
                       params={"ticket_number": "1",
                               "note_object": '{"body": "log", "private_note": 0}'},
                       files=[("file", ("log.txt", b"LOG", "text/plain"))])
    assert note.status_code == 201
    assert {k: v for k, v in note.json().items() if k != "attachments"} == {
        "body": "log", "notify_emails": None, "to_email": "casey@example.com",
        "ticket_number": 1, "private_note": 0}
    history = client.get("/apis/v3/tickets/conversations?ticket_number=1").json()
    assert [(m["attachments_count"], [a["file_name"] for a in m["attachments"]])
            for m in history["conversations"]] == [(2, ["one.txt", "two.txt"]),
                                                   (1, ["log.txt"])]
    # Message files are not the ticket's own attachments.
    assert details(client)["attachments"] == []
    assert details(client)["conversation_count"] == 2
    for message in history["conversations"]:
        for attachment in message["attachments"]:
            download = client.get(attachment["attachment_url"])
            assert download.status_code == 200
            assert len(download.content) == attachment["file_size"]


def test_attachment_download_bytes_wrong_token_and_no_key(
    client: TestClient, app_client: TestClient, ticket: dict[str, Any]
) -> None:
    data = bytes(range(256)) * 4
    note = client.post("/apis/v3/tickets/add_note_with_attachment?ticket_number=1",
                       data={"note_object": '{"body": "bin"}'},
                       files=[("file", ("blob.bin", data, "application/octet-stream"))])
    url = note.json()["attachments"][0]["attachment_url"]
    download = client.get(url)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''blob.bin"
    prefix, _token, name = url.rsplit("/", 2)
    wrong = client.get(f"{prefix}/{'A' * 32}/{name}")
    assert (wrong.status_code, wrong.json()) == (404, {
        "status": 404, "error": "Not Found", "message": "no such attachment"})
    unauthenticated = app_client.get(url, headers={"Authorization": ""})
    assert unauthenticated.status_code == 401
    assert set(unauthenticated.json()) == {"status", "error", "message"}


def test_attachment_over_the_limit_is_413_and_nothing_is_stored(
    client: TestClient, ticket: dict[str, Any]
) -> None:
    big = b"x" * (1024 * 1024 + 1)
    for url, part in (("/apis/v3/tickets/add_reply_with_attachment?ticket_number=1",
                       "reply_object"),
                      ("/apis/v3/tickets/add_note_with_attachment?ticket_number=1",
                       "note_object")):
        response = client.post(url, data={part: '{"body": "big"}'},
                               files=[("file", ("ok.txt", b"ok", "text/plain")),
                                      ("files", ("big.bin", big, "application/octet-stream"))])
        assert response.status_code == 413
        assert response.json() == {
            "status": 413, "error": HTTPStatus(413).phrase,
            "message": "attachment 'big.bin' is larger than the limit of 1048576 bytes"}
    created = client.post("/apis/v3/tickets/create_with_attachment",
                          data={"ticket_object": '{"email": "a@b.io", "subject": "big"}'},
                          files=[("file", ("big.bin", big, "application/octet-stream"))])
    assert created.status_code == 413
    assert details(client)["conversation_count"] == 0
    assert client.get("/apis/v3/tickets").json()["count"] == 1
    assert client.get("/apis/v3/tickets/conversations?ticket_number=1").json()["count"] == 0


def test_conversation_count_survives_failed_messages(client: TestClient,
                                                     ticket: dict[str, Any]) -> None:
    client.post("/apis/v3/tickets/add_reply?ticket_number=1", json={"body": "ok"})
    assert client.post("/apis/v3/tickets/add_reply?ticket_number=1",
                       json={"body": "x", "cc_emails": "bad"}).status_code == 400
    assert client.post("/apis/v3/tickets/add_note?ticket_number=1",
                       json={"body": "   "}).status_code == 400
    client.post("/apis/v3/tickets/add_note?ticket_number=1", json={"body": "ok"})
    assert details(client)["conversation_count"] == 2
    listed = client.get("/apis/v3/tickets").json()["tickets"][0]
    assert listed["conversation_count"] == 2
