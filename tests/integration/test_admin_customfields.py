"""Admin API: custom ticket fields (labels are the ``cf_`` wire keys)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.catalog.service import create_category
from tests.factories import TenantFixture, bad_request, conflict, not_found

DEPARTMENT = {"id": 1, "label": "Department", "key": "cf_Department", "field_type": "dropdown",
              "choices": ["Sales", "Support", "Billing"], "position": 0}
EMPLOYEE_ID = {"id": 2, "label": "Employee ID", "key": "cf_Employee ID", "field_type": "text",
               "choices": [], "position": 1}


def ticket(client: TestClient, custom_fields: dict[str, Any]) -> int:
    response = client.post("/apis/v3/tickets/create", json={
        "email": "pat@customer.example", "subject": "Help", "custom_fields": custom_fields})
    assert response.status_code == 200, response.text
    number: int = response.json()["ticket_number"]
    return number


def values(client: TestClient, number: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/apis/v3/tickets/details",
                                      params={"ticket_number": number}).json()
    fields: dict[str, Any] = body["custom_fields"]
    return fields


def test_list_and_get_fields(client: TestClient) -> None:
    assert client.get("/apis/admin/custom_fields").json() == {
        "count": 2, "custom_fields": [DEPARTMENT, EMPLOYEE_ID]}
    assert client.get("/apis/admin/custom_fields/2").json() == EMPLOYEE_ID


def test_create_a_field_and_use_it(client: TestClient) -> None:
    response = client.post("/apis/admin/custom_fields", json={
        "label": "Products", "field_type": "multi-select", "choices": ["A", " B "]})
    products = {"id": 3, "label": "Products", "key": "cf_Products",
                "field_type": "multi-select", "choices": ["A", "B"], "position": 2}
    assert (response.status_code, response.json()) == (201, products)
    number = ticket(client, {"cf_Products": ["b"]})
    assert values(client, number)["cf_Products"] == ["B"]


@pytest.mark.parametrize(("body", "message"), [
    ({"field_type": "text"}, "label is required"),
    ({"label": "X", "field_type": "colour"},
     "field_type: Input should be 'text', 'paragraph', 'number', 'decimal', 'date', "
     "'checkbox', 'dropdown' or 'multi-select'"),
    ({"label": "X", "field_type": "dropdown"}, "a dropdown field needs at least one choice"),
    ({"label": "X", "field_type": "dropdown", "choices": ["a", "A"]},
     "custom field choices must be distinct"),
    ({"label": "X", "field_type": "text", "choices": ["a"]},
     "a text field has no choices; only dropdown and multi-select fields do"),
    ({"label": " ", "field_type": "text"}, "custom field label must not be empty"),
    ({"label": "L" * 201, "field_type": "text"},
     "label: String should have at most 200 characters"),
    ({"label": "X", "field_type": "text", "required": True}, "required is not a known field"),
])
def test_bad_field_bodies_are_400(client: TestClient, body: dict[str, Any],
                                  message: str) -> None:
    response = client.post("/apis/admin/custom_fields", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_labels_are_unique_ignoring_case(client: TestClient) -> None:
    response = client.post("/apis/admin/custom_fields",
                           json={"label": "department", "field_type": "text"})
    assert (response.status_code, response.json()) == (
        409, conflict("a custom field labelled 'department' already exists"))
    renamed = client.patch("/apis/admin/custom_fields/2", json={"label": "DEPARTMENT"})
    assert renamed.json() == conflict("a custom field labelled 'DEPARTMENT' already exists")


def test_relabel_renames_the_wire_key_and_keeps_values(client: TestClient) -> None:
    number = ticket(client, {"cf_Employee ID": "EMP-1"})

    response = client.patch("/apis/admin/custom_fields/2", json={"label": "Staff Number"})

    assert response.json() == {**EMPLOYEE_ID, "label": "Staff Number",
                               "key": "cf_Staff Number"}
    fields = values(client, number)
    assert fields["cf_Staff Number"] == "EMP-1"
    assert "cf_Employee ID" not in fields
    old_key = client.post("/apis/v3/tickets/create", json={
        "email": "pat@customer.example", "subject": "x", "custom_fields": {"cf_Employee ID": "1"}})
    assert old_key.status_code == 400


def test_type_change_only_without_values(client: TestClient) -> None:
    number = ticket(client, {"cf_Employee ID": "EMP-1"})
    refused = client.patch("/apis/admin/custom_fields/2", json={"field_type": "number"})
    assert (refused.status_code, refused.json()) == (409, conflict(
        "custom field 'Employee ID' is used by 1 ticket; its type cannot change while "
        "tickets have values in it"))
    cleared = client.put("/apis/v3/tickets/update", params={"ticket_number": number},
                         json={"custom_fields": {"cf_Employee ID": None}})
    assert cleared.status_code == 200
    changed = client.patch("/apis/admin/custom_fields/2",
                           json={"field_type": "dropdown", "choices": ["A"]})
    assert changed.json() == {**EMPLOYEE_ID, "field_type": "dropdown", "choices": ["A"]}
    no_choices = client.patch("/apis/admin/custom_fields/2", json={"choices": []})
    assert no_choices.json() == bad_request(
        "choices: a dropdown field needs at least one choice")
    to_text = client.patch("/apis/admin/custom_fields/2", json={"field_type": "text"})
    assert to_text.json() == {**EMPLOYEE_ID, "field_type": "text", "choices": []}


def test_choices_in_use_cannot_be_removed(client: TestClient) -> None:
    ticket(client, {"cf_Department": "Billing"})
    ticket(client, {"cf_Department": "Billing"})
    ticket(client, {"cf_Department": "Sales"})

    refused = client.patch("/apis/admin/custom_fields/1", json={"choices": ["Sales", "Support"]})

    assert (refused.status_code, refused.json()) == (409, conflict(
        "choice 'Billing' of custom field 'Department' is used by 2 tickets; change those "
        "tickets first"))
    added = client.patch("/apis/admin/custom_fields/1",
                         json={"choices": ["Sales", "Billing", "Legal"]})
    assert added.json() == {**DEPARTMENT, "choices": ["Sales", "Billing", "Legal"]}
    text_choices = client.patch("/apis/admin/custom_fields/2", json={"choices": ["x"]})
    assert text_choices.json() == bad_request(
        "choices: a text field has no choices; only dropdown and multi-select fields do")


def test_multi_select_choices_in_use_cannot_be_removed(client: TestClient) -> None:
    client.post("/apis/admin/custom_fields", json={
        "label": "Products", "field_type": "multi-select", "choices": ["A", "B", "C"]})
    ticket(client, {"cf_Products": ["A", "B"]})
    refused = client.patch("/apis/admin/custom_fields/3", json={"choices": ["A", "C"]})
    assert refused.json() == conflict("choice 'B' of custom field 'Products' is used by 1 "
                                      "ticket; change those tickets first")
    assert client.patch("/apis/admin/custom_fields/3",
                        json={"choices": ["A", "B"]}).status_code == 200


def test_delete_a_field(client: TestClient) -> None:
    number = ticket(client, {"cf_Employee ID": "EMP-1", "cf_Department": "Sales"})
    refused = client.delete("/apis/admin/custom_fields/2")
    assert (refused.status_code, refused.json()) == (409, conflict(
        "custom field 'Employee ID' is used by 1 ticket; clear their values first"))
    client.put("/apis/v3/tickets/update", params={"ticket_number": number},
               json={"custom_fields": {"cf_Employee ID": ""}})
    response = client.delete("/apis/admin/custom_fields/2")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get("/apis/admin/custom_fields/2").json() == not_found(
        "no custom field with id 2")
    assert values(client, number) == {"cf_Department": "Sales"}


def test_checkbox_false_counts_as_a_value(client: TestClient) -> None:
    client.post("/apis/admin/custom_fields", json={"label": "VIP", "field_type": "checkbox"})
    ticket(client, {"cf_VIP": False})
    refused = client.delete("/apis/admin/custom_fields/3")
    assert refused.json() == conflict(
        "custom field 'VIP' is used by 1 ticket; clear their values first")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_field_is_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/apis/admin/custom_fields/9",
                              json={} if method == "patch" else None)
    assert (response.status_code, response.json()) == (
        404, not_found("no custom field with id 9"))


def test_other_tenants_fields_are_404(client: TestClient, other_tenant: TenantFixture) -> None:
    with other_tenant.unit() as unit:
        create_category(unit.session, name="Globex")
        unit.commit()
    globex = client.post("/apis/admin/custom_fields", headers={
        "Authorization": other_tenant.key, "Host": other_tenant.host},
        json={"label": "Secret", "field_type": "text"})
    assert globex.json()["id"] == 3
    assert client.get("/apis/admin/custom_fields/3").json() == not_found(
        "no custom field with id 3")
    assert client.get("/apis/admin/categories/3").json() == not_found("no category with id 3")
    assert client.delete("/apis/admin/custom_fields/3").status_code == 404
