"""Bad input to every ticket endpoint: always a 4xx error body, never a 5xx, nothing stored."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from supportdesk.contacts.models import Contact
from tests.factories import TenantFixture

ERROR_KEYS = {"status", "error", "message"}
GARBAGE = ["abc", "-1", "99999999999999999999", "\u0661\u0662", "1.5", "\U0001f4a5", "0x10",
           "1e3", "[]", "\x00", "1 2"]
LIST_PARAMS = ["ticket_count", "offset", "include_description", "include_custom_fields",
               "include_survey_details", "nested_fields", "order_by", "order_type",
               "updated_since", "filters"]
CONVERSATION_FLAGS = ["include_contact_replies", "include_agent_replies",
                      "include_private_notes", "include_public_notes",
                      "include_forward_messages"]
REPLY = {"body": "hi"}
NOTE = {"body": "hm"}
CREATE = {"email": "new@example.com", "subject": "x"}


def assert_error(response: Any, status: int | None = None) -> dict[str, Any]:
    """A 4xx (``status`` if given) with exactly the Desk365 error keys."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if status is not None:
        assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == response.status_code
    assert isinstance(body["error"], str)
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


@pytest.fixture
def seeded(client: TestClient) -> dict[str, Any]:
    """Ticket 1 with a reply, a note and an attachment; its details as stored."""
    client.post("/apis/v3/tickets/create", json={
        "email": "casey@example.com", "subject": "Keep me", "priority": 10,
        "assign_to": "alex.morgan@demo.example", "group": "Sales", "category": "Hardware",
        "sub_category": "Printer", "custom_fields": {"cf_Department": "Sales"},
        "watchers": ["sam.oduya@demo.example"], "share_to": ["pat@example.com"]})
    client.post("/apis/v3/tickets/add_reply?ticket_number=1", json={"body": "reply"})
    client.post("/apis/v3/tickets/add_note_with_attachment?ticket_number=1",
                data={"note_object": '{"body": "note"}'},
                files=[("file", ("a.txt", b"abc", "text/plain"))])
    details: dict[str, Any] = client.get("/apis/v3/tickets/details?ticket_number=1").json()
    return details


def request_for(endpoint: str, params: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    """A valid request to ``endpoint`` except for ``params``."""
    if endpoint == "create_with_attachment":
        return "post", "/apis/v3/tickets/create_with_attachment", {
            "params": params, "data": {"ticket_object": json.dumps(CREATE)}}
    if endpoint.endswith("_with_attachment"):
        part = "reply_object" if endpoint.startswith("add_reply") else "note_object"
        return "post", f"/apis/v3/tickets/{endpoint}", {
            "params": {"ticket_number": "1", **params},
            "data": {part: json.dumps(REPLY)}}
    method, payload = {
        "details": ("get", None), "conversations": ("get", None),
        "update": ("put", {"priority": 5}), "add_reply": ("post", REPLY),
        "add_note": ("post", NOTE),
    }[endpoint]
    kwargs: dict[str, Any] = {"params": {"ticket_number": "1", **params}}
    if payload is not None:
        kwargs["json"] = payload
    return method, f"/apis/v3/tickets/{endpoint}", kwargs


TICKET_NUMBER_ENDPOINTS = ["details", "update", "add_reply", "add_note", "conversations",
                           "add_reply_with_attachment", "add_note_with_attachment"]


@pytest.mark.parametrize("endpoint", TICKET_NUMBER_ENDPOINTS)
def test_bad_ticket_numbers_are_400(client: TestClient, seeded: dict[str, Any],
                                    endpoint: str) -> None:
    for value in [*GARBAGE, "0", ""]:
        method, url, kwargs = request_for(endpoint, {"ticket_number": value})
        body = assert_error(client.request(method, url, **kwargs), 400)
        assert "ticket_number" in body["message"]
    method, url, kwargs = request_for(endpoint, {})
    kwargs["params"].pop("ticket_number")
    assert assert_error(client.request(method, url, **kwargs), 400)["message"] == (
        "ticket_number is required")
    method, url, kwargs = request_for(endpoint, {"ticket_number": "999999999999999999"})
    assert assert_error(client.request(method, url, **kwargs), 404) == {
        "status": 404, "error": "Not Found",
        "message": "ticket 999999999999999999 does not exist"}


@pytest.mark.parametrize("param", LIST_PARAMS)
def test_garbage_list_parameters_are_400_naming_the_parameter(client: TestClient,
                                                              param: str) -> None:
    for value in GARBAGE:
        body = assert_error(client.get("/apis/v3/tickets", params={param: value}), 400)
        assert param in body["message"], (value, body)


def test_offset_limits(client: TestClient) -> None:
    assert assert_error(client.get("/apis/v3/tickets",
                                   params={"offset": "99999999999999999999"}), 400) == {
        "status": 400, "error": "Bad Request",
        "message": "offset is too large (at most 1000000000000)"}
    assert client.get("/apis/v3/tickets", params={"offset": "1000000000000"}).json() == {
        "count": 0, "tickets": []}


@pytest.mark.parametrize("param", ["sort_by", *CONVERSATION_FLAGS])
def test_garbage_conversation_parameters_are_400(client: TestClient, seeded: dict[str, Any],
                                                 param: str) -> None:
    for value in GARBAGE:
        body = assert_error(client.get("/apis/v3/tickets/conversations",
                                       params={"ticket_number": "1", param: value}), 400)
        assert param in body["message"]


@pytest.mark.parametrize("path", ["abc", "-1", "0", "99999999999999999999", "\u0661\u0662",
                                  "1.5", "1"])
def test_bad_attachment_ids_are_4xx(client: TestClient, seeded: dict[str, Any],
                                    path: str) -> None:
    assert_error(client.get(f"/apis/v3/attachments/{path}/wrongtoken/a.txt"))


def test_huge_attachment_id_is_404(client: TestClient) -> None:
    response = client.get("/apis/v3/attachments/99999999999999999999/token/a.txt")
    assert assert_error(response, 404) == {"status": 404, "error": "Not Found",
                                           "message": "no such attachment"}


JSON_ENDPOINTS = [
    ("post", "/apis/v3/tickets/create"),
    ("put", "/apis/v3/tickets/update?ticket_number=1"),
    ("post", "/apis/v3/tickets/add_reply?ticket_number=1"),
    ("post", "/apis/v3/tickets/add_note?ticket_number=1"),
]
RAW_BODIES = [
    (b"", "application/json"), (b"{", "application/json"), (b"[1, 2]", "application/json"),
    (b'"text"', "application/json"), (b"42", "application/json"), (b"null", "application/json"),
    (b"\xff\xfe\x00", "application/json"), (b'{"a": 1}{"b": 2}', "application/json"),
    (b'{"body": "x", "subject": "x", "email": "a@b.io"}', "text/plain"),
    (b"body=x&subject=x&email=a@b.io", "application/x-www-form-urlencoded"),
    (b'{"body": "x", "subject": "x", "email": "a@b.io"}', "multipart/form-data"),
]


@pytest.mark.parametrize(("method", "url"), JSON_ENDPOINTS)
def test_malformed_bodies_are_400(client: TestClient, seeded: dict[str, Any], method: str,
                                  url: str) -> None:
    for content, content_type in RAW_BODIES:
        response = client.request(method, url, content=content,
                                  headers={"content-type": content_type})
        assert_error(response, 400)
    assert_error(client.request(method, url, json={"bogus": 1, **REPLY, **CREATE}), 400)


def test_unknown_field_is_named(client: TestClient) -> None:
    response = client.post("/apis/v3/tickets/create", json={**CREATE, "colour": "red"})
    assert assert_error(response, 400)["message"] == "colour is not a known field"


WRONG_TYPES: dict[str, list[Any]] = {
    "text": [123, True, [], {}, "a\x00b", "\ud800"],
    "priority": ["high", True, 2.5, [], "\u0661\u0660", 99999999999999999999, 3, -1, {}],
    "flag": [2, "yes", -1, "\u0661", 0.5, []],
    "emails": ["not-an-email", ["a@b.io"], 5],
    "list": ["a@b.io", [1], {}, [None]],
    "object": ["x", [], 5],
}
FIELDS: dict[str, dict[str, str]] = {
    "/apis/v3/tickets/create": {
        "email": "text", "subject": "text", "description": "text", "status": "text",
        "priority": "priority", "type": "text", "assign_to": "text", "group": "text",
        "category": "text", "sub_category": "text", "form_name": "text",
        "custom_fields": "object", "watchers": "list", "share_to": "list"},
    "/apis/v3/tickets/update?ticket_number=1": {
        "subject": "text", "description": "text", "sla": "text", "status": "text",
        "priority": "priority", "type": "text", "assign_to": "text", "group": "text",
        "category": "text", "sub_category": "text", "contact_email": "text",
        "custom_fields": "object", "watchers": "object", "share_to": "object"},
    "/apis/v3/tickets/add_reply?ticket_number=1": {
        "body": "text", "cc_emails": "emails", "bcc_emails": "emails", "agent_email": "text",
        "from_email": "text", "include_prev_ccs": "flag", "include_prev_messages": "flag"},
    "/apis/v3/tickets/add_note?ticket_number=1": {
        "body": "text", "agent_email": "text", "notify_emails": "emails",
        "private_note": "flag"},
}


@pytest.mark.parametrize("url", list(FIELDS))
def test_wrong_types_for_every_field_are_400(client: TestClient, seeded: dict[str, Any],
                                             url: str) -> None:
    method = "put" if "update" in url else "post"
    base = {} if "update" in url else (CREATE if "create" in url else REPLY)
    for field, kind in FIELDS[url].items():
        for value in WRONG_TYPES[kind]:
            # json.dumps escapes lone surrogates, which httpx's encoder cannot send.
            response = client.request(method, url,
                                      content=json.dumps({**base, field: value}).encode(),
                                      headers={"content-type": "application/json"})
            body = assert_error(response, 400)
            assert body["message"] != "the request is not valid", (field, value)
    assert client.get("/apis/v3/tickets/details?ticket_number=1").json() == seeded
    assert client.get("/apis/v3/tickets").json()["count"] == 1


def test_nul_and_wrong_number_types_name_the_field(client: TestClient) -> None:
    cases = [
        ({"subject": "a\x00b"}, "subject: must not contain NUL characters"),
        ({"email": "a\x00@b.io"}, "email: must not contain NUL characters"),
        ({"custom_fields": {"cf_Employee ID": "\x00"}},
         "custom_fields: must not contain NUL characters"),
        ({"priority": True}, "priority: must be a number, not true or false"),
        ({"priority": "\u0661\u0660"}, "priority: must be a whole number"),
    ]
    for change, message in cases:
        response = client.post("/apis/v3/tickets/create", json={**CREATE, **change})
        assert assert_error(response, 400)["message"] == message
    assert client.post("/apis/v3/tickets/create", json={**CREATE, "priority": ""}).json()[
        "priority"] == 1


def test_multipart_objects_bad_json_and_query_form(client: TestClient,
                                                   seeded: dict[str, Any]) -> None:
    urls = {"ticket_object": "/apis/v3/tickets/create_with_attachment",
            "reply_object": "/apis/v3/tickets/add_reply_with_attachment?ticket_number=1",
            "note_object": "/apis/v3/tickets/add_note_with_attachment?ticket_number=1"}
    for part, url in urls.items():
        for raw in ["{", "[1]", '"x"', "null", '{"bogus": 1}', '{"body": 5}', "\x00"]:
            files = [("file", ("a.txt", b"x", "text/plain"))]
            body = assert_error(client.post(url, data={part: raw}, files=files), 400)
            assert part in body["message"]
            body = assert_error(client.post(url, params={part: raw}, files=files), 400)
            assert part in body["message"]
        body = assert_error(client.post(url, files=[("file", ("a.txt", b"x", "text/plain"))]),
                            400)
        assert body["message"] == f"{part} is required: send the JSON object as a form field"
        assert_error(client.post(url, json=REPLY), 400)
        assert_error(client.post(url, content=b"garbage",
                                 headers={"content-type": "multipart/form-data; boundary=zz"}),
                     400)
    assert client.get("/apis/v3/tickets/details?ticket_number=1").json() == seeded


def test_rejected_update_changes_nothing(client: TestClient, tenant: TenantFixture,
                                         seeded: dict[str, Any]) -> None:
    tenant.clock.advance(minutes=5)
    rejected = [
        {"subject": "Changed", "status": "Nope"},
        {"priority": 20, "assign_to": "nobody@demo.example"},
        {"contact_email": "fresh@example.com", "sla": "Gold"},
        {"share_to": {"add": ["new@example.com"]}, "custom_fields": {"cf_Nope": 1}},
        {"watchers": {"remove": ["sam.oduya@demo.example"]}, "group": "Nope"},
        {"category": "Software", "sub_category": "Scanner"},
        {"description": "<p>new</p>", "custom_fields": {"cf_Department": "Marketing"}},
        {"type": "Incident", "priority": None},
        {"status": "Closed", "subject": ""},
    ]
    with tenant.unit() as unit:
        contacts_before = unit.session.scalar(select(func.count()).select_from(Contact))
    for change in rejected:
        assert_error(client.put("/apis/v3/tickets/update?ticket_number=1", json=change), 400)
    assert client.get("/apis/v3/tickets/details?ticket_number=1").json() == seeded
    with tenant.unit() as unit:
        assert unit.session.scalar(select(func.count()).select_from(Contact)) == contacts_before


def test_oversized_bodies_are_413(client: TestClient, seeded: dict[str, Any]) -> None:
    big = b"x" * (1024 * 1024 + 1)
    response = client.post("/apis/v3/tickets/add_note_with_attachment?ticket_number=1",
                           data={"note_object": '{"body": "big"}'},
                           files=[("file", ("big.bin", big, "application/octet-stream"))])
    assert assert_error(response, 413) == {
        "status": 413, "error": HTTPStatus(413).phrase,
        "message": "attachment 'big.bin' is larger than the limit of 1048576 bytes"}
    assert client.get("/apis/v3/tickets/details?ticket_number=1").json() == seeded
