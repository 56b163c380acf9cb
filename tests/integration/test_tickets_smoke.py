"""First end-to-end pass over the ticket endpoints (detailed contracts live beside it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import TenantFixture


def test_create_list_details_update_reply_note(client: TestClient, tenant: TenantFixture) -> None:
    created = client.post("/apis/v3/tickets/create", json={
        "email": "Casey@Example.com", "subject": "Printer on fire", "priority": 20,
        "description": "<p>Smoke <script>alert(1)</script>everywhere</p>",
        "assign_to": "alex.morgan@demo.example", "group": '"Sales" Department',
        "category": "Hardware", "sub_category": "Printer",
        "custom_fields": {"cf_Department": "Support"},
    })
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["ticket_number"] == 1
    assert body["description"] == "<p>Smoke everywhere</p>"
    assert body["description_text"] == "Smoke everywhere"
    assert body["custom_fields"] == {"cf_Department": "Support", "cf_Employee ID": None}
    assert body["sla"] == "Standard SLA"
    assert body["due_date"] == "2026-01-06 09:00:00"
    assert body["first_assigned_duration"] == 0
    listed = client.get("/apis/v3/tickets", params={"filters": '{"priority": ["20"]}'})
    assert listed.status_code == 200, listed.text
    assert listed.json()["count"] == 1
    tenant.clock.advance(minutes=30)
    reply = client.post("/apis/v3/tickets/add_reply?ticket_number=1",
                        json={"body": "<b>On it</b>", "cc_emails": "a@x.io, b@x.io"})
    assert reply.status_code == 201, reply.text
    note = client.post("/apis/v3/tickets/add_note?ticket_number=1", json={"body": "hm"})
    assert note.status_code == 201, note.text
    details = client.get("/apis/v3/tickets/details?ticket_number=1").json()
    assert details["conversation_count"] == 2
    assert details["first_replied_duration"] == 30
    updated = client.put("/apis/v3/tickets/update?ticket_number=1",
                         json={"status": "Resolved", "assign_to": "--"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["resolved_duration"] == 30
    assert updated.json()["assigned_to"] is None
    conv = client.get("/apis/v3/tickets/conversations?ticket_number=1").json()
    assert conv["count"] == 2
    up = client.post("/apis/v3/tickets/add_note_with_attachment?ticket_number=1",
                     data={"note_object": '{"body": "file"}'},
                     files=[("files", ("a.txt", b"hello", "text/plain")),
                            ("files", ("b.txt", b"world", "text/plain"))])
    assert up.status_code == 201, up.text
    url = up.json()["attachments"][0]["attachment_url"]
    assert client.get(url).content == b"hello"
