"""The legacy v1 (``/apis/<endpoint>``) and v2 (``/apis/v2/<endpoint>``) paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.app import create_app
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from tests.factories import TenantFixture, bad_request, not_found

PREFIXES = ["/apis/v2", "/apis"]
DEPRECATION = "@1735689600"
SUNSET = "Thu, 01 Jul 2027 00:00:00 GMT"
LINK = '<http://acme.localhost/apis/api-docs.html>; rel="deprecation"'
DETAILS_KEYS = [
    "ticket_number", "contact_email", "contact_name", "subject", "description",
    "description_text", "status", "priority", "type", "source", "form_name", "form_is_deleted",
    "assigned_to", "company_name", "completed_within_sla", "group", "category",
    "subcategory", "created_on", "updated_on", "resolved_on", "closed_on", "due_date",
    "first_response_time", "first_assigned_time", "first_assigned_duration",
    "resolved_duration", "first_replied_duration", "closed_duration", "custom_fields",
    "attachments", "watchers", "share_to", "conversation_count",
]


def assert_legacy_headers(response: Any, link: str = LINK) -> None:
    assert response.headers["deprecation"] == DEPRECATION
    assert response.headers["sunset"] == SUNSET
    assert response.headers["link"] == link


def without_sla(v3: dict[str, Any]) -> dict[str, Any]:
    """What v1/v2 show for a v3 ticket body."""
    legacy = {k: v for k, v in v3.items() if k != "sla"}
    if "custom_fields" in legacy:
        legacy["custom_fields"] = {k.removeprefix("cf_"): v
                                   for k, v in legacy["custom_fields"].items()}
    return legacy


def v3_details(client: TestClient, number: int) -> dict[str, Any]:
    response = client.get("/apis/v3/tickets/details", params={"ticket_number": number})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


# --- tickets ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_create_takes_bare_custom_field_labels(client: TestClient, prefix: str) -> None:
    response = client.post(f"{prefix}/tickets/create", json={
        "email": "casey@example.com", "subject": "Printer broken",
        "custom_fields": {"Department": "sales", "Employee ID": "E-7"}})
    assert response.status_code == 200, response.text
    assert_legacy_headers(response)
    body = response.json()
    assert list(body) == DETAILS_KEYS
    assert body["custom_fields"] == {"Department": "Sales", "Employee ID": "E-7"}
    v3 = v3_details(client, 1)
    assert v3["custom_fields"] == {"cf_Department": "Sales", "cf_Employee ID": "E-7"}
    assert v3["sla"] == "Standard SLA"
    assert body == without_sla(v3)
    assert int(response.headers["content-length"]) == len(response.content)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_details_has_no_sla_and_bare_keys(client: TestClient, prefix: str) -> None:
    client.post("/apis/v3/tickets/create", json={
        "email": "casey@example.com", "subject": "Printer broken",
        "custom_fields": {"cf_Department": "Billing"}})
    response = client.get(f"{prefix}/tickets/details", params={"ticket_number": "1"})
    assert response.status_code == 200
    assert_legacy_headers(response)
    assert response.json() == without_sla(v3_details(client, 1))
    assert list(response.json()) == DETAILS_KEYS
    assert response.json()["custom_fields"] == {"Department": "Billing", "Employee ID": None}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_update_takes_bare_labels(client: TestClient, prefix: str) -> None:
    client.post("/apis/v3/tickets/create", json={"email": "casey@example.com",
                                                  "subject": "Printer broken"})
    response = client.put(f"{prefix}/tickets/update", params={"ticket_number": "1"},
                          json={"priority": 20, "custom_fields": {"Employee ID": "42"}})
    assert response.status_code == 200, response.text
    assert_legacy_headers(response)
    v3 = v3_details(client, 1)
    assert v3["custom_fields"] == {"cf_Department": None, "cf_Employee ID": "42"}
    assert response.json() == {k: v for k, v in without_sla(v3).items() if k != "attachments"}
    assert response.json()["priority"] == 20


def test_update_still_accepts_an_sla_name_but_does_not_show_it(client: TestClient) -> None:
    client.post("/apis/v3/tickets/create", json={"email": "casey@example.com",
                                                  "subject": "Printer broken"})
    response = client.put("/apis/v2/tickets/update", params={"ticket_number": "1"},
                          json={"sla": "No SLA Policy"})
    assert response.status_code == 200, response.text
    assert "sla" not in response.json()


@pytest.mark.parametrize(("custom_fields", "message"), [
    ({"Dept": "x"}, "custom_fields: unknown field 'Dept' (known fields: Department, "
                    "Employee ID)"),
    # v3 spelling on a legacy path: the legacy key is the bare label.
    ({"cf_Department": "Sales"}, "custom_fields: unknown field 'cf_Department' (known "
                                 "fields: Department, Employee ID)"),
    ({"Department": "Nope"}, "custom_fields: 'Nope' is not a choice of 'Department' "
                             "(choices: Sales, Support, Billing)"),
])
def test_custom_field_errors_name_the_bare_label(client: TestClient,
                                                 custom_fields: dict[str, Any],
                                                 message: str) -> None:
    response = client.post("/apis/v2/tickets/create", json={
        "email": "casey@example.com", "subject": "s", "custom_fields": custom_fields})
    assert response.status_code == 400
    assert response.json() == bad_request(message)
    assert_legacy_headers(response)


def test_create_with_attachment_takes_bare_labels(client: TestClient) -> None:
    response = client.post(
        "/apis/tickets/create_with_attachment",
        data={"ticket_object": '{"email": "casey@example.com", "subject": "Scan", '
                               '"custom_fields": {"Department": "Support"}}'},
        files=[("file", ("scan.txt", b"hello", "text/plain"))])
    assert response.status_code == 200, response.text
    assert_legacy_headers(response)
    body = response.json()
    assert body["custom_fields"] == {"Department": "Support", "Employee ID": None}
    assert "sla" not in body
    assert [a["file_name"] for a in body["attachments"]] == ["scan.txt"]
    assert body["attachments"][0]["attachment_url"].startswith(
        "http://acme.localhost/apis/v3/attachments/")
    assert body == without_sla(v3_details(client, 1))


def make_tickets(client: TestClient, count: int) -> None:
    for number in range(count):
        department = "Sales" if number % 2 else "Support"
        response = client.post("/apis/v3/tickets/create", json={
            "email": f"c{number}@example.com", "subject": f"Ticket {number + 1}",
            "custom_fields": {"cf_Department": department}})
        assert response.status_code == 200


@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_has_a_fixed_page_of_30(client: TestClient, prefix: str) -> None:
    make_tickets(client, 35)
    response = client.get(f"{prefix}/tickets", params={"ticket_count": "100",
                                                       "include_custom_fields": "1"})
    assert response.status_code == 200
    assert_legacy_headers(response)
    body = response.json()
    assert set(body) == {"count", "tickets", "next_page"}
    assert body["count"] == 35
    assert [t["ticket_number"] for t in body["tickets"]] == list(range(35, 5, -1))
    assert all("sla" not in t for t in body["tickets"])
    assert body["tickets"][0]["custom_fields"] == {"Department": "Support", "Employee ID": None}
    assert body["next_page"] == (f"http://acme.localhost{prefix}/tickets?ticket_count=100&"
                                 "include_custom_fields=1&offset=30")
    rest = client.get(body["next_page"]).json()
    assert set(rest) == {"count", "tickets"}
    assert [t["ticket_number"] for t in rest["tickets"]] == [5, 4, 3, 2, 1]


def test_list_items_match_v3_without_sla(client: TestClient) -> None:
    make_tickets(client, 2)
    params = {"include_custom_fields": "1", "include_description": "1"}
    legacy = client.get("/apis/v2/tickets", params=params).json()
    v3 = client.get("/apis/v3/tickets", params=params).json()
    assert legacy == {"count": 2, "tickets": [without_sla(t) for t in v3["tickets"]]}


def test_flattened_custom_fields_are_bare(client: TestClient) -> None:
    make_tickets(client, 1)
    item = client.get("/apis/v2/tickets", params={
        "include_custom_fields": "1", "nested_fields": "1"}).json()["tickets"][0]
    assert (item["Department"], item["Employee ID"]) == ("Support", None)
    assert not [key for key in item if key.startswith("cf_")]
    assert "sla" not in item


def test_filters_take_bare_labels(client: TestClient) -> None:
    make_tickets(client, 4)
    response = client.get("/apis/tickets", params={
        "filters": '{"custom_fields": {"Department": ["sales"]}}'})
    assert response.status_code == 200
    assert [t["ticket_number"] for t in response.json()["tickets"]] == [4, 2]
    unknown = client.get("/apis/tickets", params={
        "filters": '{"custom_fields": {"Dept": ["x"]}}'})
    assert unknown.status_code == 400
    assert unknown.json() == bad_request("filters: custom_fields has unknown field 'Dept'")
    assert_legacy_headers(unknown)


def test_messages_work_on_legacy_paths(client: TestClient) -> None:
    client.post("/apis/v3/tickets/create", json={"email": "casey@example.com",
                                                  "subject": "Printer broken"})
    note = client.post("/apis/v2/tickets/add_note", params={"ticket_number": "1"},
                       json={"body": "checked"})
    assert note.status_code == 201
    assert_legacy_headers(note)
    history = client.get("/apis/tickets/conversations", params={"ticket_number": "1"})
    assert history.status_code == 200
    assert history.json() == client.get("/apis/v3/tickets/conversations",
                                        params={"ticket_number": "1"}).json()


# --- other resources and errors ----------------------------------------------------------


def test_companies_are_unchanged_apart_from_the_headers(client: TestClient) -> None:
    response = client.post("/apis/v2/companies/create", json={"name": "Contoso"})
    assert response.status_code == 200
    assert_legacy_headers(response)
    assert response.json()["sla"] == "helpdesk default"
    assert client.get("/apis/companies").json() == client.get("/apis/v3/companies").json()


def test_ping_on_legacy_paths(client: TestClient) -> None:
    for prefix in PREFIXES:
        response = client.get(f"{prefix}/ping")
        assert response.status_code == 200
        assert response.text == client.get("/apis/v3/ping").text
        assert_legacy_headers(response)


def test_v3_responses_have_no_deprecation_headers(client: TestClient) -> None:
    response = client.get("/apis/v3/tickets")
    assert {"deprecation", "sunset", "link"} & set(response.headers) == set()


@pytest.mark.parametrize("path", ["/apis/v2/nothing", "/apis/v2/", "/apis/v2/openapi.json",
                                  "/apis/tickets/unknown"])
def test_unknown_legacy_endpoints_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == not_found("The resource you were trying to reach is not found")
    assert_legacy_headers(response)


def test_errors_carry_the_headers(app_client: TestClient, tenant: TenantFixture) -> None:
    unauthorized = app_client.get("/apis/v2/tickets")
    assert unauthorized.status_code == 401
    assert set(unauthorized.json()) == {"status", "error", "message"}
    assert_legacy_headers(unauthorized)
    app_client.headers["Authorization"] = tenant.key
    missing = app_client.get("/apis/tickets/details", params={"ticket_number": "9"})
    assert missing.json() == not_found("ticket 9 does not exist")
    assert_legacy_headers(missing)
    wrong_method = app_client.delete("/apis/v2/tickets/details")
    assert wrong_method.status_code == 405
    assert_legacy_headers(wrong_method)
    bad = app_client.get("/apis/v2/tickets", params={"offset": "x"})
    assert bad.json() == bad_request("offset must be a non-negative whole number, got 'x'")
    assert_legacy_headers(bad)


def test_the_link_names_the_requests_own_host(client: TestClient,
                                              other_tenant: TenantFixture) -> None:
    response = client.get("/apis/v2/tickets", headers={"Authorization": other_tenant.key,
                                                       "Host": other_tenant.host})
    assert response.status_code == 200
    assert_legacy_headers(
        response, '<http://globex.localhost/apis/api-docs.html>; rel="deprecation"')


def test_tenants_stay_apart_on_legacy_paths(client: TestClient,
                                            other_tenant: TenantFixture) -> None:
    client.post("/apis/v3/tickets/create", json={"email": "casey@example.com",
                                                  "subject": "Acme secret"})
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    response = client.get("/apis/v2/tickets/details", params={"ticket_number": "1"},
                          headers=globex)
    assert response.json() == not_found("ticket 1 does not exist")
    assert client.get("/apis/tickets", headers=globex).json() == {"count": 0, "tickets": []}


@pytest.fixture
def small_client(database: Database, settings: Settings, clock: FixedClock,
                 tenant: TenantFixture) -> Iterator[TestClient]:
    """A client of an app that accepts request bodies of at most 2 KiB."""
    app = create_app(settings.model_copy(update={"max_request_bytes": 2048}),
                     database=database, clock=clock)
    with TestClient(app, base_url="http://acme.localhost",
                    raise_server_exceptions=False) as c:
        c.headers["Authorization"] = tenant.key
        yield c


@pytest.mark.parametrize("path", ["/apis/v2/tickets/create", "/apis/v2/companies/create"])
def test_too_large_bodies_are_413_with_the_headers(small_client: TestClient,
                                                   path: str) -> None:
    response = small_client.post(path, json={"email": "a@b.example", "subject": "x" * 4000})
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert_legacy_headers(response)
    assert small_client.get("/apis/v3/tickets").json()["count"] == 0


def test_legacy_paths_are_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/apis/v3/openapi.json").json()["paths"]
    assert [p for p in paths if not p.startswith(("/apis/v3/", "/apis/admin/"))] == []
    assert client.get("/apis/v2/openapi.json").status_code == 404


def test_unexpected_errors_carry_the_headers(client: TestClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("supportdesk.api.v3.routes.tickets.ticket_details", broken)
    response = client.get("/apis/v2/tickets/details", params={"ticket_number": "1"})
    assert response.status_code == 500
    assert response.json() == {"status": 500, "error": "Internal Server Error",
                               "message": "Application failed to process the request"}
    assert_legacy_headers(response)
