"""``kb/folder``: create, details, update and delete, addressed by category and folder name."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock
from tests.factories import TenantFixture, bad_request, conflict, not_found

FOLDER_KEYS = {"category_name", "parent_category_name", "created_by_email", "created_on"}
CREATED = "2026-01-05 09:00:00"
DEFAULT_AUTHOR = "alex.morgan@demo.example"
DELETED = {"message": "KB Folder successfully deleted."}


def folder(name: str, category: str, **fields: Any) -> dict[str, Any]:
    """The expected body: as in Desk365, ``category_name`` is the folder's own name."""
    body: dict[str, Any] = {"category_name": name, "parent_category_name": category,
                            "created_by_email": DEFAULT_AUTHOR, "created_on": CREATED}
    body.update(fields)
    assert set(body) == FOLDER_KEYS
    return body


@pytest.fixture
def categories(client: TestClient) -> None:
    for name in ("Help Center", "Billing"):
        response = client.post("/apis/v3/kb/category/create", json={"category_name": name})
        assert response.status_code == 200, response.text


def make_folder(client: TestClient, category: str, name: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/apis/v3/kb/folder/create",
                           json={"category_name": category, "folder_name": name, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def details(client: TestClient, category: str, name: str) -> Any:
    return client.get("/apis/v3/kb/folder/details",
                      params={"category_name": category, "folder_name": name})


def update(client: TestClient, category: str, name: str, **fields: Any) -> Any:
    return client.put("/apis/v3/kb/folder/update",
                      params={"category_name": category, "folder_name": name}, json=fields)


def delete(client: TestClient, category: str, name: str) -> Any:
    return client.delete("/apis/v3/kb/folder/delete",
                         params={"category_name": category, "folder_name": name})


# --- create and details ----------------------------------------------------


@pytest.mark.usefixtures("categories")
def test_create_returns_the_vendor_shape(client: TestClient) -> None:
    response = client.post("/apis/v3/kb/folder/create", json={
        "category_name": "help center", "folder_name": " Teams Bot ",
        "created_by_email": "SAM.ODUYA@demo.example"})
    expected = folder("Teams Bot", "Help Center", created_by_email="sam.oduya@demo.example")
    assert (response.status_code, response.json()) == (200, expected)
    assert details(client, "Help Center", "teams bot").json() == expected


@pytest.mark.usefixtures("categories")
def test_the_same_name_may_be_used_in_another_category(client: TestClient) -> None:
    make_folder(client, "Help Center", "Setup")
    assert make_folder(client, "Billing", "Setup") == folder("Setup", "Billing")
    assert details(client, "Billing", "Setup").json() == folder("Setup", "Billing")


@pytest.mark.usefixtures("categories")
def test_duplicate_in_the_same_category_is_409(client: TestClient) -> None:
    make_folder(client, "Help Center", "Setup")
    response = client.post("/apis/v3/kb/folder/create",
                           json={"category_name": "Help Center", "folder_name": "SETUP"})
    assert (response.status_code, response.json()) == (409, conflict(
        "the KB category 'Help Center' already has a folder named 'SETUP'"))


@pytest.mark.usefixtures("categories")
@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"category_name": "Nowhere"}, 404, "no KB category named 'Nowhere' exists"),
    ({"folder_name": "f" * 201}, 400, "folder_name: String should have at most 200 characters"),
    ({"folder_name": ""}, 400, "folder_name is required and must not be empty"),
    ({"category_name": ""}, 400, "category_name is required and must not be empty"),
    ({"created_by_email": "ghost@demo.example"}, 400,
     "created_by_email: no active agent with email 'ghost@demo.example'"),
    ({"parent": "x"}, 400, "parent is not a known field"),
])
def test_bad_create(client: TestClient, fields: dict[str, Any], status: int,
                    message: str) -> None:
    body = {"category_name": "Help Center", "folder_name": "Setup", **fields}
    response = client.post("/apis/v3/kb/folder/create", json=body)
    assert response.status_code == status
    assert response.json()["message"] == message
    assert details(client, "Help Center", "Setup").status_code == 404


def test_create_needs_both_names(client: TestClient) -> None:
    response = client.post("/apis/v3/kb/folder/create", json={"category_name": "Help Center"})
    assert (response.status_code, response.json()) == (400, bad_request(
        "folder_name is required"))


@pytest.mark.usefixtures("categories")
def test_details_404s_name_what_is_missing(client: TestClient) -> None:
    make_folder(client, "Help Center", "Setup")
    response = details(client, "Nowhere", "Setup")
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB category named 'Nowhere' exists"))
    response = details(client, "Billing", "Setup")
    assert (response.status_code, response.json()) == (404, not_found(
        "no folder named 'Setup' exists in the KB category 'Billing'"))


@pytest.mark.parametrize(("params", "message"), [
    ({"folder_name": "Setup"}, "category_name is required"),
    ({"category_name": "Help Center"}, "folder_name is required"),
    ({"category_name": "Help Center", "folder_name": " "}, "folder_name is required"),
])
def test_details_without_both_names_is_400(client: TestClient, params: dict[str, str],
                                           message: str) -> None:
    response = client.get("/apis/v3/kb/folder/details", params=params)
    assert (response.status_code, response.json()) == (400, bad_request(message))


# --- update ---------------------------------------------------------------


@pytest.mark.usefixtures("categories")
def test_rename_and_move(client: TestClient, clock: FixedClock) -> None:
    make_folder(client, "Help Center", "Setup")
    clock.advance(hours=1)
    response = update(client, "Help Center", "Setup", folder_name="Installation")
    assert (response.status_code, response.json()) == (200, folder("Installation",
                                                                    "Help Center"))
    response = update(client, "help center", "installation", category_name="billing")
    assert (response.status_code, response.json()) == (200, folder("Installation", "Billing"))
    assert details(client, "Billing", "Installation").json() == folder("Installation",
                                                                       "Billing")
    assert details(client, "Help Center", "Installation").status_code == 404


@pytest.mark.usefixtures("categories")
def test_moving_a_folder_takes_its_articles_along(client: TestClient) -> None:
    make_folder(client, "Help Center", "Setup")
    assert client.post("/apis/v3/kb/article/create", json={
        "article_title": "Install", "category_name": "Help Center",
        "folder_name": "Setup"}).status_code == 200
    assert update(client, "Help Center", "Setup", category_name="Billing").status_code == 200
    article = client.get("/apis/v3/kb/article/details", params={"article_name": "Install"})
    assert (article.json()["category_name"], article.json()["folder_name"]) == ("Billing",
                                                                                "Setup")


@pytest.mark.usefixtures("categories")
@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"folder_name": "Other"}, 409, "the KB category 'Help Center' already has a folder named "
                                    "'Other'"),
    ({"category_name": "Billing"}, 409, "the KB category 'Billing' already has a folder named "
                                        "'Setup'"),
    ({"category_name": "Nowhere"}, 404, "no KB category named 'Nowhere' exists"),
    ({"folder_name": None}, 400, "folder_name is required and must not be empty"),
    ({"category_name": " "}, 400, "category_name is required and must not be empty"),
    ({"created_by_email": DEFAULT_AUTHOR}, 400, "created_by_email is not a known field"),
])
def test_bad_update_changes_nothing(client: TestClient, fields: dict[str, Any], status: int,
                                    message: str) -> None:
    make_folder(client, "Help Center", "Setup")
    make_folder(client, "Help Center", "Other")
    make_folder(client, "Billing", "Setup")
    response = update(client, "Help Center", "Setup", **fields)
    assert response.status_code == status
    assert response.json()["message"] == message
    assert details(client, "Help Center", "Setup").json() == folder("Setup", "Help Center")


@pytest.mark.usefixtures("categories")
def test_update_of_an_unknown_folder_is_404(client: TestClient) -> None:
    response = update(client, "Help Center", "Nope", folder_name="X")
    assert (response.status_code, response.json()) == (404, not_found(
        "no folder named 'Nope' exists in the KB category 'Help Center'"))


# --- delete ---------------------------------------------------------------


@pytest.mark.usefixtures("categories")
def test_delete(client: TestClient) -> None:
    make_folder(client, "Help Center", "Setup")
    response = delete(client, "help center", "SETUP")
    assert (response.status_code, response.json()) == (200, DELETED)
    assert details(client, "Help Center", "Setup").status_code == 404
    response = delete(client, "Help Center", "Setup")
    assert (response.status_code, response.json()) == (404, not_found(
        "no folder named 'Setup' exists in the KB category 'Help Center'"))
    # With its last folder gone, the category can go too.
    assert client.delete("/apis/v3/kb/category/delete",
                         params={"category_name": "Help Center"}).status_code == 200


@pytest.mark.usefixtures("categories")
def test_delete_of_a_folder_with_articles_is_409(client: TestClient) -> None:
    make_folder(client, "Help Center", "Setup")
    assert client.post("/apis/v3/kb/article/create", json={
        "article_title": "Install", "category_name": "Help Center",
        "folder_name": "Setup"}).status_code == 200
    response = delete(client, "Help Center", "Setup")
    assert (response.status_code, response.json()) == (409, conflict(
        "the folder 'Setup' still has 1 article; delete them or move them to another "
        "folder first"))
    assert details(client, "Help Center", "Setup").status_code == 200


def test_delete_without_names_is_400(client: TestClient) -> None:
    response = client.delete("/apis/v3/kb/folder/delete", params={"category_name": "x"})
    assert (response.status_code, response.json()) == (400, bad_request(
        "folder_name is required"))


# --- tenants --------------------------------------------------------------


def test_another_tenant_cannot_reach_the_folder(app_client: TestClient, tenant: TenantFixture,
                                                other_tenant: TenantFixture) -> None:
    acme = {"Authorization": tenant.key, "Host": tenant.host}
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    assert app_client.post("/apis/v3/kb/category/create", headers=acme,
                           json={"category_name": "Acme"}).status_code == 200
    assert app_client.post("/apis/v3/kb/folder/create", headers=acme,
                           json={"category_name": "Acme", "folder_name": "Secret"}
                           ).status_code == 200
    params = {"category_name": "Acme", "folder_name": "Secret"}
    missing = not_found("no KB category named 'Acme' exists")
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("get", "/apis/v3/kb/folder/details", {}),
        ("put", "/apis/v3/kb/folder/update", {"json": {"folder_name": "pwned"}}),
        ("delete", "/apis/v3/kb/folder/delete", {}),
    ]
    for method, url, kwargs in requests:
        response = app_client.request(method, url, params=params, headers=globex, **kwargs)
        assert (response.status_code, response.json()) == (404, missing), url
    response = app_client.post("/apis/v3/kb/folder/create", headers=globex,
                               json={"category_name": "Acme", "folder_name": "Mine"})
    assert (response.status_code, response.json()) == (404, missing)
    acme_view = app_client.get("/apis/v3/kb/folder/details", params=params, headers=acme)
    assert acme_view.json() == folder("Secret", "Acme")
