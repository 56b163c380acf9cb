"""Every v3 operation family on the legacy v1 and v2 paths.

Two tenants provisioned alike see the same calls: acme on ``/apis/v3/...``,
globex on the legacy path. Each legacy answer must have the v3 status, the
deprecation headers, and the v3 body with exactly the legacy differences:
no ``sla`` on tickets and custom field keys without ``cf_``; every other
body is the v3 body as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx2 import Response

from supportdesk.api.legacy import LEGACY_ENDPOINTS
from supportdesk.surveys.responses import answer_survey, send_survey
from supportdesk.surveys.schemas import SurveyAnswer
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture
from tests.integration.test_legacy_api import DEPRECATION, PREFIXES, SUNSET, without_sla

DEPRECATION_HEADERS = ("deprecation", "sunset", "link")


@dataclass(frozen=True)
class Call:
    """One operation, as v3 takes it; ``legacy_*`` is what a v1/v2 client sends instead."""

    method: str
    endpoint: str
    status: int
    params: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    legacy_params: dict[str, str] | None = None
    legacy_json: dict[str, Any] | None = None
    # "same": the v3 body as it is; "ticket": one ticket; "tickets": a page of them;
    # "error": an error naming custom fields; "text": a plain-text answer.
    shape: str = "same"


Api = Callable[..., Response]
Setup = Callable[[Api, TenantFixture], None]


def _tickets(api: Api, _tenant: TenantFixture) -> None:
    for subject, department in (("Printer jam", "cf_Department"), ("Laptop fan", None)):
        body: dict[str, Any] = {"email": "casey@example.com", "subject": subject}
        if department:
            body["custom_fields"] = {department: "Sales"}
        assert api("POST", "/apis/v3/tickets/create", json=body).status_code == 200


def _time_entry(api: Api, tenant: TenantFixture) -> None:
    _tickets(api, tenant)
    assert api("POST", "/apis/admin/time_entries", json={
        "ticket_number": 1, "agent_email": "alex.morgan@demo.example", "minutes": 45,
        "billable": True, "note": "Toner", "start_time": "2026-01-05 08:00:00"},
    ).status_code == 201


def _answered_survey(_api: Api, tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        number = create_ticket(unit, NewTicket(contact_email="casey@example.com",
                                               subject="Thanks")).ticket.number
        sent = send_survey(unit, ticket_number=number)
        answer_survey(unit, sent_survey_id=sent.id, answer=SurveyAnswer(
            rating=3, cs_rating_2=2, cs_rating_3=-1, additional_comments="Quick"))


def _contract_access(api: Api, _tenant: TenantFixture) -> None:
    assert api("PUT", "/apis/admin/contracts/access",
               json={"has_contract_access": True}).status_code == 200
    assert api("POST", "/apis/v3/companies/create",
               json={"name": "Contoso", "domains": "contoso.com"}).status_code == 200


def _nothing(_api: Api, _tenant: TenantFixture) -> None:
    return None


ADVANCED = '{"search_term": [{"query": "sales", "search_in": ["cf_Department"]}]}'
BARE_ADVANCED = '{"search_term": [{"query": "sales", "search_in": ["Department"]}]}'
KB_ARTICLE = {"article_name": "Reset a password"}
KB_FOLDER = {"category_name": "Help", "folder_name": "Guides"}
KB_RENAMED = {"category_name": "Help", "folder_name": "How-tos"}

FAMILIES: dict[str, tuple[Setup, list[Call]]] = {
    "tickets": (_nothing, [
        Call("POST", "tickets/create", 200, json={
            "email": "casey@example.com", "subject": "Printer jam",
            "custom_fields": {"cf_Department": "Sales"}},
            legacy_json={"email": "casey@example.com", "subject": "Printer jam",
                         "custom_fields": {"Department": "Sales"}}, shape="ticket"),
        Call("PUT", "tickets/update", 200, {"ticket_number": "1"},
             json={"priority": 20, "custom_fields": {"cf_Employee ID": "E-7"}},
             legacy_json={"priority": 20, "custom_fields": {"Employee ID": "E-7"}},
             shape="ticket"),
        Call("GET", "tickets/details", 200, {"ticket_number": "1"}, shape="ticket"),
        Call("GET", "tickets", 200, {"include_custom_fields": "1"}, shape="tickets"),
        Call("POST", "tickets/add_reply", 201, {"ticket_number": "1"}, json={"body": "On it"}),
        Call("POST", "tickets/add_note", 201, {"ticket_number": "1"},
             json={"body": "Checked"}),
        Call("GET", "tickets/conversations", 200, {"ticket_number": "1"}),
    ]),
    "search": (_tickets, [
        Call("GET", "tickets/search", 200,
             {"search_query": '{"query": "printer"}', "include_custom_fields": "1"},
             shape="tickets"),
        Call("GET", "tickets/search", 200, {"search_type": "2", "search_query": ADVANCED},
             legacy_params={"search_type": "2", "search_query": BARE_ADVANCED},
             shape="tickets"),
        Call("GET", "tickets/search", 400,
             {"search_type": "2", "search_query": ADVANCED.replace("Department", "Dept")},
             legacy_params={"search_type": "2",
                            "search_query": BARE_ADVANCED.replace("Department", "Dept")},
             shape="error"),
    ]),
    "contacts": (_nothing, [
        Call("POST", "contacts/create", 200, json={"name": "Joe Bloggs",
                                                   "primary_email": "joe@example.com"}),
        Call("PUT", "contacts/update", 200, {"primary_email": "joe@example.com"},
             json={"title": "Manager"}),
        Call("GET", "contacts", 200),
        Call("GET", "contacts/details", 200, {"primary_email": "joe@example.com"}),
    ]),
    "companies": (_nothing, [
        Call("POST", "companies/create", 200, json={"name": "Contoso",
                                                    "domains": "contoso.com"}),
        Call("PUT", "companies/update", 200, {"company_name": "Contoso"},
             json={"city": "Leeds"}),
        Call("GET", "companies", 200),
        Call("GET", "companies/details", 200, {"name": "Contoso"}),
    ]),
    "time entries": (_time_entry, [
        Call("GET", "time_entries", 200),
        Call("GET", "time_entries/details", 200, {"id": "1"}),
    ]),
    "surveys": (_answered_survey, [
        Call("GET", "surveys", 200),
        Call("GET", "surveys/details", 200, {"survey_name": "Customer Satisfaction"}),
        Call("GET", "surveys/ratings", 200),
    ]),
    "kb": (_nothing, [
        Call("POST", "kb/category/create", 200, json={"category_name": "Help"}),
        Call("PUT", "kb/category/update", 200, {"category_name": "Help"},
             json={"category_description": "Answers"}),
        Call("GET", "kb/category/details", 200, {"category_name": "Help"}),
        Call("POST", "kb/folder/create", 200, json=KB_FOLDER),
        Call("PUT", "kb/folder/update", 200, KB_FOLDER, json={"folder_name": "How-tos"}),
        Call("GET", "kb/folder/details", 200, KB_RENAMED),
        Call("POST", "kb/article/create", 200, json={
            "article_title": "Reset a password", **KB_RENAMED, "status": 1}),
        Call("PUT", "kb/article/update", 200, KB_ARTICLE,
             json={"article_content": "<p>Click Forgot.</p>"}),
        Call("GET", "kb/article/details", 200, KB_ARTICLE),
        Call("GET", "kb/article", 200),
        Call("DELETE", "kb/article/delete", 200, KB_ARTICLE),
        Call("DELETE", "kb/folder/delete", 200, KB_RENAMED),
        Call("DELETE", "kb/category/delete", 200, {"category_name": "Help"}),
    ]),
    "contracts": (_contract_access, [
        Call("POST", "contracts/create", 200, json={
            "name": "Gold", "company": "Contoso", "start_date": "2026-01-01",
            "end_date": "2026-03-31", "bill_cycle": 1, "contract_type": 2,
            "block_hours": {"contract_hours": 5}}),
        Call("PUT", "contracts/update", 200, {"contract_name": "Gold"},
             json={"end_date": "2026-06-30"}),
        Call("GET", "contracts", 200),
        Call("GET", "contracts/details", 200, {"contract_name": "Gold"}),
    ]),
    "asset locations": (_nothing, [
        Call("POST", "asset_mgmt/locations/create", 201,
             json={"location_name": "HQ", "city": "Springfield"}),
        Call("PUT", "asset_mgmt/locations/update", 200, {"location_name": "HQ"},
             json={"city": "Shelbyville"}),
        Call("GET", "asset_mgmt/locations", 200),
        Call("GET", "asset_mgmt/locations/details", 200, {"location_name": "HQ"}),
    ]),
    "agents": (_nothing, [Call("GET", "agents", 200)]),
    "ping": (_nothing, [Call("GET", "ping", 200, shape="text")]),
}
# Multipart uploads: their attachment URLs carry per-file tokens, so the two
# tenants' answers differ; test_uploads_on_legacy_paths covers them.
UPLOADS = {"tickets/create_with_attachment", "tickets/add_reply_with_attachment",
           "tickets/add_note_with_attachment"}


def calling(client: TestClient, tenant: TenantFixture) -> Api:
    """A request function on ``tenant``'s host with its key."""
    headers = {"Authorization": tenant.key, "Host": tenant.host}

    def call(method: str, path: str, **kwargs: Any) -> Response:
        return client.request(method, path, headers=headers, **kwargs)

    return call


def legacy_link(tenant: TenantFixture) -> str:
    return f'<http://{tenant.host}/apis/api-docs.html>; rel="deprecation"'


def expected_legacy(v3: Any, shape: str) -> Any:
    """The v3 body as v1/v2 show it, by the rules of docs/api.md."""
    if shape == "ticket":
        return without_sla(v3)
    if shape == "tickets":
        return {**v3, "tickets": [without_sla(t) for t in v3["tickets"]]}
    if shape == "error":
        return {**v3, "message": v3["message"].replace("cf_", "")}
    return v3


def assert_shape_difference(v3: Any, legacy: Any, shape: str) -> None:
    """The difference itself, spelled out: v3 names the SLA and prefixes custom fields."""
    tickets = [(v3, legacy)] if shape == "ticket" else list(
        zip(v3["tickets"], legacy["tickets"], strict=True))
    assert tickets, "a ticket page to compare must not be empty"
    for v3_ticket, legacy_ticket in tickets:
        assert ("sla" in v3_ticket, "sla" in legacy_ticket) == (True, False)
        if "custom_fields" in v3_ticket:
            assert [k.removeprefix("cf_") for k in v3_ticket["custom_fields"]] == \
                list(legacy_ticket["custom_fields"])
            assert all(k.startswith("cf_") for k in v3_ticket["custom_fields"])


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_operation_family_answers_on_legacy_paths(
        app_client: TestClient, tenant: TenantFixture, other_tenant: TenantFixture,
        family: str, prefix: str) -> None:
    v3_api, legacy_api = calling(app_client, tenant), calling(app_client, other_tenant)
    setup, calls = FAMILIES[family]
    setup(v3_api, tenant)
    setup(legacy_api, other_tenant)
    for call in calls:
        where = (call.method, call.endpoint, call.status)
        v3 = v3_api(call.method, f"/apis/v3/{call.endpoint}", params=call.params,
                    json=call.json)
        legacy = legacy_api(call.method, f"{prefix}/{call.endpoint}",
                            params=call.legacy_params or call.params,
                            json=call.legacy_json or call.json)
        assert (v3.status_code, legacy.status_code) == (call.status, call.status), \
            (where, legacy.text)
        assert {name: legacy.headers.get(name) for name in DEPRECATION_HEADERS} == {
            "deprecation": DEPRECATION, "sunset": SUNSET, "link": legacy_link(other_tenant)
        }, where
        assert set(DEPRECATION_HEADERS) & set(v3.headers) == set(), where
        if call.shape == "text":
            assert (legacy.text, legacy.headers["content-type"]) == (
                v3.text, v3.headers["content-type"]), where
            continue
        # Both tenants were built alike; only the host in URLs tells them apart.
        legacy_body = orjson.loads(legacy.content.replace(b"globex.localhost",
                                                          b"acme.localhost"))
        assert legacy_body == expected_legacy(v3.json(), call.shape), where
        if call.shape in ("ticket", "tickets"):
            assert_shape_difference(v3.json(), legacy_body, call.shape)
        if call.shape == "error":
            assert (v3.json()["message"], legacy_body["message"]) == (
                "search_in: unknown custom field 'cf_Dept' (known fields: cf_Department, "
                "cf_Employee ID)",
                "search_in: unknown custom field 'Dept' (known fields: Department, "
                "Employee ID)")


def test_the_families_cover_every_legacy_endpoint() -> None:
    called = {call.endpoint for _, calls in FAMILIES.values() for call in calls}
    assert called | UPLOADS == set(LEGACY_ENDPOINTS)


def test_every_v3_operation_has_a_legacy_endpoint(built_app: FastAPI) -> None:
    v3_endpoints = {
        (route.path or "").removeprefix("/apis/v3/").strip("/")
        for route in iter_route_contexts(built_app.routes)
        if (route.path or "").startswith("/apis/v3/")
    }
    # The attachment download is a link responses hand out (always on v3), and the
    # document is v3's own: neither is an operation a v1/v2 client calls.
    not_legacy = {"attachments/{attachment_id}/{token}/{file_name}", "openapi.json"}
    assert v3_endpoints - not_legacy == set(LEGACY_ENDPOINTS)


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("endpoint", "part", "status"), [
    ("tickets/add_reply_with_attachment", "reply_object", 201),
    ("tickets/add_note_with_attachment", "note_object", 201),
])
def test_uploads_on_legacy_paths(client: TestClient, prefix: str, endpoint: str, part: str,
                                 status: int) -> None:
    assert client.post("/apis/v3/tickets/create", json={
        "email": "casey@example.com", "subject": "Scan"}).status_code == 200
    response = client.post(f"{prefix}/{endpoint}", params={"ticket_number": "1"},
                           data={part: '{"body": "See the scan"}'},
                           files=[("file", ("scan.txt", b"hello", "text/plain"))])
    assert response.status_code == status, response.text
    assert {name: response.headers.get(name) for name in DEPRECATION_HEADERS} == {
        "deprecation": DEPRECATION, "sunset": SUNSET,
        "link": '<http://acme.localhost/apis/api-docs.html>; rel="deprecation"'}
    assert [a["file_name"] for a in response.json()["attachments"]] == ["scan.txt"]
    history = client.get("/apis/v3/tickets/conversations", params={"ticket_number": "1"})
    assert [m["attachments_count"] for m in history.json()["conversations"]] == [1]


def make_tickets(client: TestClient, count: int) -> None:
    for number in range(count):
        response = client.post("/apis/v3/tickets/create", json={
            "email": f"c{number}@example.com", "subject": f"Printer {number + 1}"})
        assert response.status_code == 200


@pytest.mark.parametrize("prefix", PREFIXES)
def test_search_has_a_fixed_page_of_30(client: TestClient, prefix: str) -> None:
    make_tickets(client, 35)
    query = '{"query": "printer"}'
    params = {"search_query": query, "ticket_count": "50", "order_by": "created_time"}
    response = client.get(f"{prefix}/tickets/search", params=params)
    assert response.status_code == 200
    body = response.json()
    v3 = client.get("/apis/v3/tickets/search", params={**params, "ticket_count": "30"}).json()
    assert list(body) == ["count", "tickets", "next_page"]
    assert body["count"] == 35
    assert [t["ticket_number"] for t in body["tickets"]] == list(range(35, 5, -1))
    assert body["tickets"] == [without_sla(t) for t in v3["tickets"]]
    assert body["next_page"] == (
        f"http://acme.localhost{prefix}/tickets/search?search_query=%7B%22query%22%3A+"
        "%22printer%22%7D&ticket_count=50&order_by=created_time&offset=30")
    rest = client.get(body["next_page"]).json()
    assert list(rest) == ["count", "tickets"]
    assert [t["ticket_number"] for t in rest["tickets"]] == [5, 4, 3, 2, 1]
