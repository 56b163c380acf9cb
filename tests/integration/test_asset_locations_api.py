"""``asset_mgmt/locations``: list, details, create and update over the v3 wire format."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import TenantFixture, bad_request, conflict, not_found

BASE = "/apis/v3/asset_mgmt/locations"
LOCATION_KEYS = {"location_name", "description", "parent_location", "address_line_1",
                 "address_line_2", "city", "state", "country", "zipcode", "contact_person",
                 "contact_email", "phone", "created_on", "updated_on"}
CREATED = "2026-01-05 09:00:00"
FULL = {
    "location_name": "Head Office - Floor 3", "description": "Print room 🖨️",
    "address_line_1": "1 Main Street", "address_line_2": "Floor 3", "city": "Springfield",
    "state": "IL", "country": "USA", "zipcode": "62701", "contact_person": "Dana Facilities",
    "contact_email": "Dana@Example.com", "phone": "+1 555 0100",
}


def location(**fields: Any) -> dict[str, Any]:
    """The expected body of a location: every key, unset ones null."""
    body: dict[str, Any] = dict.fromkeys(LOCATION_KEYS)
    body.update(created_on=CREATED, updated_on=CREATED)
    body.update(fields)
    assert set(body) == LOCATION_KEYS
    return body


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post(f"{BASE}/create", json=fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def details(client: TestClient, name: str) -> dict[str, Any]:
    response = client.get(f"{BASE}/details", params={"location_name": name})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- create ---------------------------------------------------------------


def test_create_answers_201_with_every_field(client: TestClient) -> None:
    response = client.post(f"{BASE}/create", json=FULL)
    assert response.status_code == 201
    expected = location(**{**FULL, "contact_email": "dana@example.com"})
    assert response.json() == expected
    assert details(client, "head office - FLOOR 3") == expected


def test_create_with_only_a_name(client: TestClient) -> None:
    assert create(client, location_name="Warehouse") == location(location_name="Warehouse")


def test_empty_strings_are_stored_as_null(client: TestClient) -> None:
    body = create(client, location_name=" Warehouse ", description="", address_line_1=" ",
                  address_line_2="", city="", state="", country="", zipcode="",
                  contact_person="", contact_email="", phone="", parent_location="")
    assert body == location(location_name="Warehouse")


# The longest address the field takes: 254 characters (RFC 5321's path limit).
LONGEST_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 53 + ".example"
assert len(LONGEST_EMAIL) == 254


def test_contact_email_takes_254_characters_and_refuses_255(client: TestClient) -> None:
    body = create(client, location_name="Warehouse", contact_email=LONGEST_EMAIL.upper())
    assert body == location(location_name="Warehouse", contact_email=LONGEST_EMAIL)
    assert details(client, "Warehouse")["contact_email"] == LONGEST_EMAIL

    too_long = "x" + LONGEST_EMAIL
    response = client.post(f"{BASE}/create", json={"location_name": "Depot",
                                                     "contact_email": too_long})
    assert (response.status_code, response.json()) == (400, bad_request(
        "contact_email: String should have at most 254 characters"))
    response = client.put(f"{BASE}/update", params={"location_name": "Warehouse"},
                          json={"contact_email": too_long})
    assert (response.status_code, response.json()) == (400, bad_request(
        "contact_email: String should have at most 254 characters"))
    assert details(client, "Warehouse")["contact_email"] == LONGEST_EMAIL
    assert client.get(BASE).json()["total"] == 1


def test_create_inside_a_parent(client: TestClient) -> None:
    create(client, location_name="Head Office")
    body = create(client, location_name="Floor 3", parent_location="head office")
    assert body == location(location_name="Floor 3", parent_location="Head Office")


@pytest.mark.parametrize("name", ["Warehouse", "warehouse", "WAREHOUSE", " Warehouse "])
def test_duplicate_name_is_409_whatever_the_case(client: TestClient, name: str) -> None:
    create(client, location_name="Warehouse")
    response = client.post(f"{BASE}/create", json={"location_name": name})
    assert response.status_code == 409
    assert response.json() == conflict(f"a location named {name.strip()!r} already exists")


@pytest.mark.parametrize(("body", "message"), [
    ({}, "location_name is required"),
    ({"location_name": ""}, "location_name is required and must not be empty"),
    ({"location_name": "   "}, "location_name is required and must not be empty"),
    ({"location_name": None}, "location_name: Input should be a valid string"),
    ({"location_name": "x" * 201},
     "location_name: String should have at most 200 characters"),
    ({"location_name": "A", "description": "d" * 2001},
     "description: String should have at most 2000 characters"),
    ({"location_name": "A", "address_line_1": "a" * 256},
     "address_line_1: String should have at most 255 characters"),
    ({"location_name": "A", "address_line_2": "a" * 256},
     "address_line_2: String should have at most 255 characters"),
    ({"location_name": "A", "city": "c" * 101}, "city: String should have at most 100 characters"),
    ({"location_name": "A", "state": "s" * 101},
     "state: String should have at most 100 characters"),
    ({"location_name": "A", "country": "c" * 101},
     "country: String should have at most 100 characters"),
    ({"location_name": "A", "zipcode": "1" * 21},
     "zipcode: String should have at most 20 characters"),
    ({"location_name": "A", "contact_person": "p" * 201},
     "contact_person: String should have at most 200 characters"),
    ({"location_name": "A", "phone": "1" * 51}, "phone: String should have at most 50 characters"),
    ({"location_name": "A", "contact_email": "not an email"},
     "contact_email 'not an email' is not a valid email address"),
    ({"location_name": "A", "parent_location": "Nowhere"},
     "parent_location: no location named 'Nowhere' exists"),
    ({"location_name": "A", "floor": 3}, "floor is not a known field"),
    ({"location_name": "A\x00B"}, "location_name: must not contain NUL characters"),
    ({"location_name": "A", "city": 5}, "city: Input should be a valid string"),
])
def test_create_refuses_bad_input_with_400(client: TestClient, body: dict[str, Any],
                                           message: str) -> None:
    response = client.post(f"{BASE}/create", json=body)
    assert response.status_code == 400
    assert response.json() == bad_request(message)
    assert client.get(BASE).json() == {"total": 0, "locations": []}


def test_create_refuses_a_body_that_is_not_json(client: TestClient) -> None:
    response = client.post(f"{BASE}/create", content=b"{nope",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == bad_request("the request body is not valid JSON")


# --- list -------------------------------------------------------------------


def test_list_is_sorted_by_name_without_regard_to_case(client: TestClient) -> None:
    for name in ("beta", "Alpha", "gamma", "Delta"):
        create(client, location_name=name)
    body = client.get(BASE).json()
    assert set(body) == {"total", "locations"}
    assert body["total"] == 4
    assert [item["location_name"] for item in body["locations"]] == \
        ["Alpha", "beta", "Delta", "gamma"]
    assert body["locations"][0] == location(location_name="Alpha")


def test_list_pages_hold_30(client: TestClient, tenant: TenantFixture) -> None:
    for number in range(35):
        create(client, location_name=f"Room {number:02d}")
    first = client.get(BASE).json()
    assert first["total"] == 35
    assert [item["location_name"] for item in first["locations"]] == \
        [f"Room {n:02d}" for n in range(30)]
    second = client.get(BASE, params={"offset": "30"}).json()
    assert [item["location_name"] for item in second["locations"]] == \
        [f"Room {n:02d}" for n in range(30, 35)]
    assert client.get(BASE, params={"offset": "100"}).json() == {"total": 35, "locations": []}


def test_list_items_name_their_parent(client: TestClient) -> None:
    create(client, location_name="Building")
    create(client, location_name="Annex", parent_location="Building")
    items = client.get(BASE).json()["locations"]
    assert [(i["location_name"], i["parent_location"]) for i in items] == \
        [("Annex", "Building"), ("Building", None)]


@pytest.mark.parametrize("offset", ["-1", "abc", "1.5", "\uff11"])
def test_list_refuses_a_bad_offset(client: TestClient, offset: str) -> None:
    response = client.get(BASE, params={"offset": offset})
    assert response.status_code == 400
    assert response.json() == bad_request(
        f"offset must be a non-negative whole number, got {offset!r}")


# --- details ------------------------------------------------------------------


def test_details_of_an_unknown_location_is_404(client: TestClient) -> None:
    response = client.get(f"{BASE}/details", params={"location_name": "Moon Base"})
    assert response.status_code == 404
    assert response.json() == not_found("no location named 'Moon Base' exists")


@pytest.mark.parametrize("params", [{}, {"location_name": ""}, {"location_name": "  "}])
def test_details_needs_a_name(client: TestClient, params: dict[str, str]) -> None:
    response = client.get(f"{BASE}/details", params=params)
    assert response.status_code == 400
    assert response.json() == bad_request("location_name is required")


def test_details_refuses_nul(client: TestClient) -> None:
    response = client.get(f"{BASE}/details", params={"location_name": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == bad_request("location_name must not contain NUL characters")


# --- update -------------------------------------------------------------------


def test_update_changes_only_the_fields_sent(client: TestClient, tenant: TenantFixture) -> None:
    create(client, **FULL)
    tenant.clock.advance(minutes=5)
    response = client.put(f"{BASE}/update", params={"location_name": "head office - floor 3"},
                          json={"city": "Shelbyville", "phone": "", "contact_email": None})
    assert response.status_code == 200
    expected = location(**{**FULL, "contact_email": None, "city": "Shelbyville",
                           "phone": None, "updated_on": "2026-01-05 09:05:00"})
    assert response.json() == expected
    assert details(client, "Head Office - Floor 3") == expected


def test_update_renames(client: TestClient) -> None:
    create(client, location_name="Warehouse")
    create(client, location_name="Dock", parent_location="Warehouse")
    response = client.put(f"{BASE}/update", params={"location_name": "Warehouse"},
                          json={"location_name": "Depot"})
    assert response.status_code == 200
    assert response.json() == location(location_name="Depot")
    assert details(client, "Dock")["parent_location"] == "Depot"
    missing = client.get(f"{BASE}/details", params={"location_name": "Warehouse"})
    assert missing.json() == not_found("no location named 'Warehouse' exists")


def test_update_can_change_only_the_case_of_the_name(client: TestClient) -> None:
    create(client, location_name="warehouse")
    response = client.put(f"{BASE}/update", params={"location_name": "warehouse"},
                          json={"location_name": "Warehouse"})
    assert response.json() == location(location_name="Warehouse")


def test_renaming_onto_another_location_is_409(client: TestClient) -> None:
    create(client, location_name="Warehouse")
    create(client, location_name="Depot")
    response = client.put(f"{BASE}/update", params={"location_name": "Depot"},
                          json={"location_name": "WAREHOUSE"})
    assert response.status_code == 409
    assert response.json() == conflict("a location named 'WAREHOUSE' already exists")
    assert details(client, "Depot") == location(location_name="Depot")


def test_update_moves_and_clears_the_parent(client: TestClient) -> None:
    create(client, location_name="Building A")
    create(client, location_name="Building B")
    create(client, location_name="Room", parent_location="Building A")
    moved = client.put(f"{BASE}/update", params={"location_name": "Room"},
                       json={"parent_location": "Building B"})
    assert moved.json()["parent_location"] == "Building B"
    cleared = client.put(f"{BASE}/update", params={"location_name": "Room"},
                         json={"parent_location": None})
    assert cleared.json() == location(location_name="Room")


@pytest.mark.parametrize("parent", ["Site", "Floor", "Room"])
def test_a_location_cannot_be_moved_inside_itself(client: TestClient, parent: str) -> None:
    create(client, location_name="Site")
    create(client, location_name="Floor", parent_location="Site")
    create(client, location_name="Room", parent_location="Floor")
    response = client.put(f"{BASE}/update", params={"location_name": "Site"},
                          json={"parent_location": parent.lower()})
    assert response.status_code == 400
    assert response.json() == bad_request(
        f"parent_location: {parent!r} is 'Site' itself or lies inside it; a location cannot "
        "be placed inside itself")
    assert details(client, "Site")["parent_location"] is None


def test_update_of_an_unknown_location_is_404(client: TestClient) -> None:
    response = client.put(f"{BASE}/update", params={"location_name": "Nowhere"},
                          json={"city": "X"})
    assert response.status_code == 404
    assert response.json() == not_found("no location named 'Nowhere' exists")


@pytest.mark.parametrize(("body", "message"), [
    ({"location_name": ""}, "location_name is required and must not be empty"),
    ({"location_name": None}, "location_name is required and must not be empty"),
    ({"zipcode": "1" * 21}, "zipcode: String should have at most 20 characters"),
    ({"parent_location": "Nowhere"}, "parent_location: no location named 'Nowhere' exists"),
    ({"id": 1}, "id is not a known field"),
])
def test_update_refuses_bad_input(client: TestClient, body: dict[str, Any],
                                  message: str) -> None:
    create(client, location_name="Warehouse")
    response = client.put(f"{BASE}/update", params={"location_name": "Warehouse"}, json=body)
    assert response.status_code == 400
    assert response.json() == bad_request(message)
    assert details(client, "Warehouse") == location(location_name="Warehouse")


def test_update_needs_the_location_name_parameter(client: TestClient) -> None:
    response = client.put(f"{BASE}/update", json={"city": "X"})
    assert response.status_code == 400
    assert response.json() == bad_request("location_name is required")


# --- tenants and keys -----------------------------------------------------------


def test_other_tenants_locations_are_invisible(client: TestClient, tenant: TenantFixture,
                                               other_tenant: TenantFixture) -> None:
    create(client, location_name="Acme Vault")
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    assert client.get(BASE, headers=globex).json() == {"total": 0, "locations": []}
    response = client.get(f"{BASE}/details", params={"location_name": "Acme Vault"},
                          headers=globex)
    assert response.json() == not_found("no location named 'Acme Vault' exists")
    response = client.put(f"{BASE}/update", params={"location_name": "Acme Vault"},
                          json={"city": "X"}, headers=globex)
    assert response.status_code == 404
    # The same name is free in the other tenant, and a parent cannot cross tenants.
    own = client.post(f"{BASE}/create", json={"location_name": "Acme Vault"}, headers=globex)
    assert own.status_code == 201
    child = client.post(f"{BASE}/create", json={"location_name": "Shelf",
                                                "parent_location": "Acme Vault"},
                        headers=globex)
    assert child.json()["parent_location"] == "Acme Vault"
    assert client.get(BASE).json()["total"] == 1


@pytest.mark.parametrize(("method", "path"), [
    ("get", BASE), ("get", f"{BASE}/details?location_name=A"),
    ("post", f"{BASE}/create"), ("put", f"{BASE}/update?location_name=A"),
])
def test_every_operation_needs_a_key(app_client: TestClient, tenant: TenantFixture,
                                     method: str, path: str) -> None:
    response = app_client.request(method, path, json={"location_name": "A"})
    assert response.status_code == 401
    assert set(response.json()) == {"status", "error", "message"}


def test_operations_are_documented(client: TestClient) -> None:
    document = client.get("/apis/v3/openapi.json").json()
    operations = {
        (method, path): operation["operationId"]
        for path, item in document["paths"].items() if "asset_mgmt" in path
        for method, operation in item.items()
    }
    assert operations == {
        ("get", BASE): "GetAssetLocations",
        ("get", f"{BASE}/details"): "GetAssetLocationDetails",
        ("post", f"{BASE}/create"): "CreateAssetLocation",
        ("put", f"{BASE}/update"): "UpdateAssetLocation",
    }
    create_op = document["paths"][f"{BASE}/create"]["post"]
    assert set(create_op["responses"]) >= {"201", "400", "401", "409"}
    assert "200" not in create_op["responses"]


def test_a_racing_duplicate_meets_the_unique_index(client: TestClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    create(client, location_name="Warehouse")
    # As if a concurrent request created it between the check and the insert.
    monkeypatch.setattr("supportdesk.assets.service.find_location", lambda *_a, **_k: None)
    response = client.post(f"{BASE}/create", json={"location_name": "WAREHOUSE"})
    assert response.status_code == 409
    assert response.json() == conflict("a location named 'WAREHOUSE' already exists")
