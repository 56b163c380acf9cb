"""Admin API: statuses, ticket types, categories and subcategories."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import bad_request, conflict, not_found

STATUSES = [
    {"id": 1, "name": "Open", "category": "open", "position": 0, "is_default": True},
    {"id": 2, "name": "Pending", "category": "pending", "position": 1, "is_default": False},
    {"id": 3, "name": "Resolved", "category": "resolved", "position": 2, "is_default": False},
    {"id": 4, "name": "Closed", "category": "closed", "position": 3, "is_default": False},
]


def ticket(client: TestClient, **fields: Any) -> int:
    """Open a ticket through the v3 API; returns its number."""
    response = client.post("/apis/v3/tickets/create",
                           json={"email": "pat@customer.example", "subject": "Help", **fields})
    assert response.status_code == 200, response.text
    number: int = response.json()["ticket_number"]
    return number


def details(client: TestClient, number: int) -> dict[str, Any]:
    response = client.get("/apis/v3/tickets/details", params={"ticket_number": number})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- statuses -----------------------------------------------------------------------


def test_list_statuses(client: TestClient) -> None:
    response = client.get("/apis/admin/statuses")
    assert (response.status_code, response.json()) == (200, {"count": 4, "statuses": STATUSES})


def test_create_get_and_list_a_status(client: TestClient) -> None:
    response = client.post("/apis/admin/statuses",
                           json={"name": " Waiting on Customer ", "category": "pending"})
    created = {"id": 5, "name": "Waiting on Customer", "category": "pending", "position": 4,
               "is_default": False}
    assert (response.status_code, response.json()) == (201, created)
    assert client.get("/apis/admin/statuses/5").json() == created
    assert client.get("/apis/admin/statuses").json()["count"] == 5
    assert details(client, ticket(client, status="waiting on customer"))["status"] == \
        "Waiting on Customer"


def test_a_new_default_status_replaces_the_old_one(client: TestClient) -> None:
    response = client.post("/apis/admin/statuses",
                           json={"name": "New", "category": "open", "is_default": True})
    assert response.json()["is_default"] is True
    assert client.get("/apis/admin/statuses/1").json()["is_default"] is False
    assert details(client, ticket(client))["status"] == "New"


def test_rename_shows_at_once_on_tickets_through_v3(client: TestClient) -> None:
    number = ticket(client, status="Pending")
    assert details(client, number)["status"] == "Pending"

    response = client.patch("/apis/admin/statuses/2", json={"name": "Awaiting Reply"})

    assert response.json() == {"id": 2, "name": "Awaiting Reply", "category": "pending",
                               "position": 1, "is_default": False}
    assert details(client, number)["status"] == "Awaiting Reply"
    listed = client.get("/apis/v3/tickets").json()["tickets"][0]
    assert listed["status"] == "Awaiting Reply"
    update = client.put("/apis/v3/tickets/update", params={"ticket_number": number},
                        json={"status": "Pending"})
    assert update.status_code == 400
    assert "no status named 'Pending'" in update.json()["message"]


def test_status_patch_changes_only_what_is_sent(client: TestClient) -> None:
    assert client.post("/apis/admin/statuses",
                       json={"name": "On Hold", "category": "pending"}).status_code == 201
    response = client.patch("/apis/admin/statuses/5", json={"category": "open",
                                                             "position": 0})
    assert response.json() == {"id": 5, "name": "On Hold", "category": "open", "position": 0,
                               "is_default": False}
    made_default = client.patch("/apis/admin/statuses/5", json={"is_default": True})
    assert made_default.json()["is_default"] is True
    assert client.get("/apis/admin/statuses/1").json()["is_default"] is False


@pytest.mark.parametrize(("body", "message"), [
    ({"category": "pending"}, "name is required"),
    ({"name": "X"}, "category is required"),
    ({"name": "X", "category": "waiting"},
     "category: Input should be 'open', 'pending', 'resolved' or 'closed'"),
    ({"name": "X", "category": "open", "colour": "red"}, "colour is not a known field"),
    ({"name": "x" * 101, "category": "open"},
     "name: String should have at most 100 characters"),
    ({"name": "  ", "category": "open"}, "status name must not be empty"),
    ({"name": "--", "category": "open"},
     "status name '--' is reserved: it means 'unset' in filters"),
    ({"name": "X", "category": "pending", "is_default": True},
     "the default status must be in category open: new tickets start in it"),
])
def test_bad_status_bodies_are_400(client: TestClient, body: dict[str, Any],
                                   message: str) -> None:
    response = client.post("/apis/admin/statuses", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_status_names_are_unique_ignoring_case(client: TestClient) -> None:
    response = client.post("/apis/admin/statuses", json={"name": "open", "category": "open"})
    assert response.json() == conflict("a status named 'open' already exists")
    renamed = client.patch("/apis/admin/statuses/2", json={"name": "RESOLVED"})
    assert (renamed.status_code, renamed.json()) == (
        409, conflict("a status named 'RESOLVED' already exists"))
    same = client.patch("/apis/admin/statuses/2", json={"name": "PENDING"})
    assert same.json()["name"] == "PENDING"


def test_default_status_cannot_be_deleted_or_recategorised(client: TestClient) -> None:
    response = client.delete("/apis/admin/statuses/1")
    assert (response.status_code, response.json()) == (409, conflict(
        "status 'Open' is the default status; make another status the default first"))
    moved = client.patch("/apis/admin/statuses/1", json={"category": "pending"})
    assert moved.json() == conflict(
        "status 'Open' is the default status and must stay in category open; make another "
        "status the default first")
    unset = client.patch("/apis/admin/statuses/1", json={"is_default": False})
    assert unset.json() == bad_request("is_default: Input should be True")


@pytest.mark.parametrize(("status_id", "name", "category"), [
    (3, "Resolved", "resolved"), (4, "Closed", "closed"), (2, "Pending", "pending"),
])
def test_last_status_of_a_category_stays(client: TestClient, status_id: int, name: str,
                                         category: str) -> None:
    response = client.delete(f"/apis/admin/statuses/{status_id}")
    assert (response.status_code, response.json()) == (409, conflict(
        f"status {name!r} is the only status in category {category}; the helpdesk needs one"))
    moved = client.patch(f"/apis/admin/statuses/{status_id}", json={"category": "open"})
    assert moved.json() == conflict(f"status {name!r} is the only status in category "
                                    f"{category}; add another one first")


def test_status_in_use_cannot_be_deleted_or_recategorised(client: TestClient) -> None:
    client.post("/apis/admin/statuses", json={"name": "Done", "category": "resolved"})
    ticket(client, status="Resolved")
    ticket(client, status="Resolved")

    response = client.delete("/apis/admin/statuses/3")
    assert (response.status_code, response.json()) == (409, conflict(
        "status 'Resolved' is used by 2 tickets; move them to another status first"))
    moved = client.patch("/apis/admin/statuses/3", json={"category": "closed"})
    assert moved.json() == conflict("status 'Resolved' is used by 2 tickets; its category "
                                    "cannot change while tickets use it")


def test_unused_status_is_deleted(client: TestClient) -> None:
    client.post("/apis/admin/statuses", json={"name": "Done", "category": "resolved"})
    response = client.delete("/apis/admin/statuses/3")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get("/apis/admin/statuses/3").json() == not_found("no status with id 3")
    assert [s["name"] for s in client.get("/apis/admin/statuses").json()["statuses"]] == [
        "Open", "Pending", "Closed", "Done"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_status_is_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/apis/admin/statuses/99",
                              json={} if method == "patch" else None)
    assert (response.status_code, response.json()) == (404, not_found("no status with id 99"))


def test_bad_ids_are_400(client: TestClient) -> None:
    response = client.get("/apis/admin/statuses/abc")
    assert response.status_code == 400
    assert "status_id" in response.json()["message"]
    assert client.get("/apis/admin/statuses/0").status_code == 400


# --- ticket types -------------------------------------------------------------------


def test_ticket_types_crud(client: TestClient) -> None:
    listing = client.get("/apis/admin/ticket_types").json()
    assert listing["count"] == 6
    assert listing["ticket_types"][0] == {"id": 1, "name": "Question", "position": 0}
    created = client.post("/apis/admin/ticket_types", json={"name": "Refund"})
    assert (created.status_code, created.json()) == (
        201, {"id": 7, "name": "Refund", "position": 6})
    number = ticket(client, type="Refund")
    renamed = client.patch("/apis/admin/ticket_types/7", json={"name": "Refund request"})
    assert renamed.json() == {"id": 7, "name": "Refund request", "position": 6}
    assert details(client, number)["type"] == "Refund request"
    assert client.get("/apis/admin/ticket_types/7").json()["name"] == "Refund request"
    in_use = client.delete("/apis/admin/ticket_types/7")
    assert (in_use.status_code, in_use.json()) == (409, conflict(
        "ticket type 'Refund request' is used by 1 ticket; change their type first"))
    assert client.delete("/apis/admin/ticket_types/1").status_code == 204
    assert client.get("/apis/admin/ticket_types/1").json() == not_found(
        "no ticket type with id 1")


def test_ticket_type_errors(client: TestClient) -> None:
    assert client.post("/apis/admin/ticket_types", json={"name": "question"}).json() == \
        conflict("a type named 'question' already exists")
    assert client.post("/apis/admin/ticket_types", json={}).json() == \
        bad_request("name is required")
    assert client.patch("/apis/admin/ticket_types/1", json={"position": -1}).json() == \
        bad_request("position: Input should be greater than or equal to 0")
    assert client.patch("/apis/admin/ticket_types/99", json={"name": "X"}).json() == \
        not_found("no ticket type with id 99")


# --- categories and subcategories ---------------------------------------------------


HARDWARE = {"id": 1, "name": "Hardware", "position": 0, "subcategories": [
    {"id": 1, "category_id": 1, "name": "Printer", "position": 0},
    {"id": 2, "category_id": 1, "name": "Laptop", "position": 1},
]}


def test_categories_crud(client: TestClient) -> None:
    listing = client.get("/apis/admin/categories").json()
    assert listing["count"] == 2
    assert listing["categories"][0] == HARDWARE
    created = client.post("/apis/admin/categories",
                          json={"name": "Network", "subcategories": ["Wi-Fi", "VPN"]})
    network = {"id": 3, "name": "Network", "position": 2, "subcategories": [
        {"id": 5, "category_id": 3, "name": "Wi-Fi", "position": 0},
        {"id": 6, "category_id": 3, "name": "VPN", "position": 1}]}
    assert (created.status_code, created.json()) == (201, network)
    assert client.get("/apis/admin/categories/3").json() == network
    renamed = client.patch("/apis/admin/categories/3", json={"name": "Networking"})
    assert renamed.json() == {**network, "name": "Networking"}
    assert client.delete("/apis/admin/categories/3").status_code == 204
    assert client.get("/apis/admin/categories/3/subcategories").json() == not_found(
        "no category with id 3")


def test_category_and_subcategory_renames_show_on_tickets(client: TestClient) -> None:
    number = ticket(client, category="Hardware", sub_category="Printer")
    client.patch("/apis/admin/categories/1", json={"name": "Devices"})
    client.patch("/apis/admin/categories/1/subcategories/1", json={"name": "Printers"})
    body = details(client, number)
    assert (body["category"], body["subcategory"]) == ("Devices", "Printers")


def test_categories_in_use_cannot_be_deleted(client: TestClient) -> None:
    ticket(client, category="Hardware", sub_category="Printer")
    response = client.delete("/apis/admin/categories/1")
    assert (response.status_code, response.json()) == (409, conflict(
        "category 'Hardware' is used by 1 ticket; change their category first"))
    sub = client.delete("/apis/admin/categories/1/subcategories/1")
    assert sub.json() == conflict(
        "subcategory 'Printer' is used by 1 ticket; change their subcategory first")
    assert client.delete("/apis/admin/categories/1/subcategories/2").status_code == 204


def test_subcategories_crud(client: TestClient) -> None:
    listing = client.get("/apis/admin/categories/1/subcategories").json()
    assert listing == {"count": 2, "subcategories": HARDWARE["subcategories"]}
    created = client.post("/apis/admin/categories/1/subcategories", json={"name": "Monitor"})
    assert (created.status_code, created.json()) == (
        201, {"id": 5, "category_id": 1, "name": "Monitor", "position": 2})
    assert client.get("/apis/admin/categories/1/subcategories/5").json()["name"] == "Monitor"
    moved = client.patch("/apis/admin/categories/1/subcategories/5", json={"position": 0})
    assert moved.json() == {"id": 5, "category_id": 1, "name": "Monitor", "position": 0}
    assert ticket(client, category="Hardware", sub_category="monitor") == 1


def test_subcategory_errors(client: TestClient) -> None:
    duplicate = client.post("/apis/admin/categories/1/subcategories", json={"name": "laptop"})
    assert (duplicate.status_code, duplicate.json()) == (
        409, conflict("category 1 already has a subcategory named 'laptop'"))
    # The same name in another category is fine: names are unique per category.
    assert client.post("/apis/admin/categories/1/subcategories",
                       json={"name": "Keyboard"}).status_code == 201
    wrong_parent = client.get("/apis/admin/categories/2/subcategories/1")
    assert wrong_parent.json() == not_found("no subcategory with id 1 in category 2")
    assert client.post("/apis/admin/categories/9/subcategories",
                       json={"name": "X"}).json() == not_found("no category with id 9")
    listed_twice = client.post("/apis/admin/categories",
                               json={"name": "Net", "subcategories": ["A", "a"]})
    assert listed_twice.json() == conflict("subcategory 'a' is listed twice")
    assert client.get("/apis/admin/categories").json()["count"] == 2
