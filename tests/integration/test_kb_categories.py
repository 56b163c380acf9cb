"""``kb/category``: create, details, update and delete over the Desk365 v3 wire format."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock
from tests.factories import TenantFixture, bad_request, conflict, not_found

CATEGORY_KEYS = {"category_name", "category_description", "created_by_email", "created_on",
                 "support_portal_visibility", "company_list", "agent_portal_visibility",
                 "agent_group_list", "category_order"}
CREATED = "2026-01-05 09:00:00"
DEFAULT_AUTHOR = "alex.morgan@demo.example"  # the demo helpdesk's first active agent
DELETED = {"message": "KB Category successfully deleted."}
PORTAL_CHOICES = ("1 (not visible in the Support Portal), 2 (all visitors to the Support "
                  "Portal), 3 (only signed in users of the Support Portal) or 4 (Support Portal "
                  "signed in users from specific companies)")
AGENT_CHOICES = "1 (all agents) or 2 (all agents in my group(s))"


def category(**fields: Any) -> dict[str, Any]:
    """The expected body of a category: every key, defaults for the rest."""
    body: dict[str, Any] = {
        "category_name": None, "category_description": None,
        "created_by_email": DEFAULT_AUTHOR, "created_on": CREATED,
        "support_portal_visibility": 2, "company_list": [], "agent_portal_visibility": 1,
        "agent_group_list": [], "category_order": 1,
    }
    body.update(fields)
    assert set(body) == CATEGORY_KEYS
    return body


def make_category(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/apis/v3/kb/category/create", json=fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def make_company(client: TestClient, name: str) -> None:
    response = client.post("/apis/v3/companies/create", json={"name": name})
    assert response.status_code == 200, response.text


def details(client: TestClient, name: str) -> Any:
    return client.get("/apis/v3/kb/category/details", params={"category_name": name})


def update(client: TestClient, name: str, **fields: Any) -> Any:
    return client.put("/apis/v3/kb/category/update", params={"category_name": name},
                      json=fields)


# --- create ---------------------------------------------------------------


def test_create_with_every_field(client: TestClient) -> None:
    make_company(client, "Contoso")
    make_company(client, "Initech")
    response = client.post("/apis/v3/kb/category/create", json={
        "category_name": "Help Center", "category_description": "Help articles 📚",
        "created_by_email": "Priya.Shah@demo.example", "support_portal_visibility": 4,
        "company_list": ["initech", "Contoso"], "agent_portal_visibility": 2,
        "agent_group_list": ['"Sales" Department', "sales"],
    })
    assert response.status_code == 200
    expected = category(
        category_name="Help Center", category_description="Help articles 📚",
        created_by_email="priya.shah@demo.example", support_portal_visibility=4,
        company_list=["Initech", "Contoso"], agent_portal_visibility=2,
        agent_group_list=['"Sales" Department', "Sales"],
    )
    assert response.json() == expected
    assert details(client, "help center").json() == expected


def test_create_with_only_a_name_takes_the_defaults(client: TestClient) -> None:
    assert make_category(client, category_name=" FAQ ") == category(category_name="FAQ")


def test_categories_are_ordered_in_creation_order(client: TestClient) -> None:
    orders = [make_category(client, category_name=name)["category_order"]
              for name in ("One", "Two", "Three")]
    assert orders == [1, 2, 3]


def test_codes_may_be_sent_as_strings(client: TestClient) -> None:
    body = make_category(client, category_name="FAQ", support_portal_visibility="3",
                         agent_portal_visibility="1")
    assert (body["support_portal_visibility"], body["agent_portal_visibility"]) == (3, 1)


def test_empty_strings_and_duplicates_in_lists(client: TestClient) -> None:
    make_company(client, "Contoso")
    body = make_category(client, category_name="FAQ", category_description="",
                         support_portal_visibility=4,
                         company_list=["Contoso", " ", "CONTOSO"], agent_group_list=[])
    assert body == category(category_name="FAQ", support_portal_visibility=4,
                            company_list=["Contoso"])


@pytest.mark.parametrize(("fields", "message"), [
    ({"support_portal_visibility": 5},
     f"support_portal_visibility: must be {PORTAL_CHOICES}, got 5"),
    ({"support_portal_visibility": 0},
     f"support_portal_visibility: must be {PORTAL_CHOICES}, got 0"),
    ({"agent_portal_visibility": 3}, f"agent_portal_visibility: must be {AGENT_CHOICES}, got 3"),
    ({"agent_portal_visibility": "all"},
     "agent_portal_visibility: must be a whole number, got 'all'"),
    ({"support_portal_visibility": True},
     "support_portal_visibility: must be a number, not true or false"),
    ({"company_list": ["Contoso"]}, "company_list applies only when support_portal_visibility "
                                    "is 4"),
    ({"support_portal_visibility": 4},
     "support_portal_visibility 4 needs at least one company in company_list"),
    ({"support_portal_visibility": 4, "company_list": ["Nobody Inc"]},
     "company_list: no company named 'Nobody Inc' exists"),
    ({"agent_group_list": ["Sales"]}, "agent_group_list applies only when "
                                      "agent_portal_visibility is 2"),
    ({"agent_portal_visibility": 2},
     "agent_portal_visibility 2 needs at least one group in agent_group_list"),
    ({"agent_portal_visibility": 2, "agent_group_list": ["Sales", "Ghosts"]},
     "agent_group_list: no group named 'Ghosts' exists"),
    ({"agent_portal_visibility": 2, "agent_group_list": "Sales"},
     "agent_group_list: Input should be a valid list"),
    ({"created_by_email": "nobody@demo.example"},
     "created_by_email: no active agent with email 'nobody@demo.example'"),
    ({"created_by_email": "not-an-email"},
     "created_by_email 'not-an-email' is not a valid email address"),
    ({"category_name": "x" * 201}, "category_name: String should have at most 200 characters"),
    ({"category_name": "  "}, "category_name is required and must not be empty"),
    ({"category_name": "a\x00b"}, "category_name: must not contain NUL characters"),
    ({"category_description": "d" * 65_536},
     "category_description: String should have at most 65535 characters"),
    ({"colour": "red"}, "colour is not a known field"),
])
def test_bad_create_is_400_naming_the_problem(client: TestClient, fields: dict[str, Any],
                                              message: str) -> None:
    make_company(client, "Contoso")
    body = {"category_name": "FAQ", **fields}
    response = client.post("/apis/v3/kb/category/create", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))
    assert details(client, "FAQ").status_code == 404


def test_create_without_a_name_is_400(client: TestClient) -> None:
    response = client.post("/apis/v3/kb/category/create", json={})
    assert (response.status_code, response.json()) == (400, bad_request(
        "category_name is required"))


def test_duplicate_name_is_409_whatever_the_case(client: TestClient) -> None:
    make_category(client, category_name="Help Center")
    response = client.post("/apis/v3/kb/category/create", json={"category_name": "HELP center"})
    assert (response.status_code, response.json()) == (409, conflict(
        "a KB category named 'HELP center' already exists"))


# --- details --------------------------------------------------------------


def test_details_of_an_unknown_category_is_404(client: TestClient) -> None:
    response = details(client, "Nowhere")
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB category named 'Nowhere' exists"))


@pytest.mark.parametrize("params", [{}, {"category_name": ""}, {"category_name": "  "}])
def test_details_without_a_name_is_400(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/apis/v3/kb/category/details", params=params)
    assert (response.status_code, response.json()) == (400, bad_request(
        "category_name is required"))


def test_a_nul_in_the_query_is_404_not_a_database_error(client: TestClient) -> None:
    response = details(client, "a\x00b")
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB category named 'a\\x00b' exists"))


# --- update ---------------------------------------------------------------


def test_update_changes_only_the_fields_sent(client: TestClient, clock: FixedClock) -> None:
    make_category(client, category_name="FAQ", category_description="Questions")
    clock.advance(minutes=5)
    response = update(client, "faq", category_name="Frequent Questions",
                      agent_portal_visibility=2, agent_group_list=["Sales"])
    expected = category(category_name="Frequent Questions",
                        category_description="Questions", agent_portal_visibility=2,
                        agent_group_list=["Sales"])
    assert (response.status_code, response.json()) == (200, expected)
    assert details(client, "Frequent Questions").json() == expected
    assert details(client, "FAQ").status_code == 404


def test_update_clears_the_description_with_an_empty_string(client: TestClient) -> None:
    make_category(client, category_name="FAQ", category_description="Questions")
    assert update(client, "FAQ", category_description="").json() == category(
        category_name="FAQ")


def test_leaving_company_visibility_forgets_the_list(client: TestClient) -> None:
    make_company(client, "Contoso")
    make_category(client, category_name="FAQ", support_portal_visibility=4,
                  company_list=["Contoso"])
    assert update(client, "FAQ", support_portal_visibility=3).json() == category(
        category_name="FAQ", support_portal_visibility=3)
    response = update(client, "FAQ", support_portal_visibility=4)
    assert (response.status_code, response.json()) == (400, bad_request(
        "support_portal_visibility 4 needs at least one company in company_list"))


def test_a_list_sent_replaces_the_stored_one(client: TestClient) -> None:
    for name in ("Contoso", "Initech", "Globex"):
        make_company(client, name)
    make_category(client, category_name="FAQ", support_portal_visibility=4,
                  company_list=["Contoso", "Initech"])
    # Unrelated changes keep the list.
    assert update(client, "FAQ", category_description="x").json()["company_list"] == [
        "Contoso", "Initech"]
    assert update(client, "FAQ", company_list=["Globex"]).json()["company_list"] == ["Globex"]
    response = update(client, "FAQ", company_list=[])
    assert (response.status_code, response.json()) == (400, bad_request(
        "support_portal_visibility 4 needs at least one company in company_list"))


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"category_name": "Other"}, 409, "a KB category named 'Other' already exists"),
    ({"category_name": ""}, 400, "category_name is required and must not be empty"),
    ({"category_name": None}, 400, "category_name is required and must not be empty"),
    ({"support_portal_visibility": None}, 400,
     "support_portal_visibility must not be null or empty"),
    ({"agent_portal_visibility": ""}, 400, "agent_portal_visibility must not be null or empty"),
    ({"support_portal_visibility": 9}, 400,
     f"support_portal_visibility: must be {PORTAL_CHOICES}, got 9"),
    ({"agent_group_list": ["Sales"]}, 400,
     "agent_group_list applies only when agent_portal_visibility is 2"),
    ({"created_by_email": "alex.morgan@demo.example"}, 400,
     "created_by_email is not a known field"),
])
def test_bad_update_is_refused_and_changes_nothing(client: TestClient, fields: dict[str, Any],
                                                   status: int, message: str) -> None:
    make_category(client, category_name="Other")
    before = make_category(client, category_name="FAQ", category_description="Questions")
    response = update(client, "FAQ", **fields)
    assert response.json() == {"status": status, "error": response.json()["error"],
                               "message": message}
    assert response.status_code == status
    assert details(client, "FAQ").json() == before


def test_renaming_to_its_own_name_in_another_case_is_allowed(client: TestClient) -> None:
    make_category(client, category_name="faq")
    assert update(client, "faq", category_name="FAQ").json()["category_name"] == "FAQ"


def test_update_of_an_unknown_category_is_404(client: TestClient) -> None:
    response = update(client, "Nowhere", category_description="x")
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB category named 'Nowhere' exists"))
    response = client.put("/apis/v3/kb/category/update", json={})
    assert (response.status_code, response.json()) == (400, bad_request(
        "category_name is required"))


# --- delete ---------------------------------------------------------------


def test_delete_removes_the_category_and_closes_the_order(client: TestClient) -> None:
    for name in ("One", "Two", "Three"):
        make_category(client, category_name=name)
    response = client.delete("/apis/v3/kb/category/delete", params={"category_name": "two"})
    assert (response.status_code, response.json()) == (200, DELETED)
    assert details(client, "Two").status_code == 404
    assert details(client, "Three").json()["category_order"] == 2
    assert make_category(client, category_name="Four")["category_order"] == 3


def test_delete_of_a_category_with_folders_is_409(client: TestClient) -> None:
    make_category(client, category_name="FAQ")
    for folder in ("Billing", "Setup"):
        assert client.post("/apis/v3/kb/folder/create", json={
            "category_name": "FAQ", "folder_name": folder}).status_code == 200
    response = client.delete("/apis/v3/kb/category/delete", params={"category_name": "FAQ"})
    assert (response.status_code, response.json()) == (409, conflict(
        "the KB category 'FAQ' still has 2 folders; delete them or move them to another "
        "category first"))
    assert details(client, "FAQ").status_code == 200


def test_delete_of_an_unknown_category_is_404(client: TestClient) -> None:
    response = client.delete("/apis/v3/kb/category/delete", params={"category_name": "Nope"})
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB category named 'Nope' exists"))
    response = client.delete("/apis/v3/kb/category/delete")
    assert (response.status_code, response.json()) == (400, bad_request(
        "category_name is required"))


# --- tenants --------------------------------------------------------------


def test_another_tenant_cannot_reach_the_category(app_client: TestClient, tenant: TenantFixture,
                                                  other_tenant: TenantFixture) -> None:
    acme = {"Authorization": tenant.key, "Host": tenant.host}
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    assert app_client.post("/apis/v3/kb/category/create", headers=acme,
                           json={"category_name": "Acme Secrets"}).status_code == 200
    missing = not_found("no KB category named 'Acme Secrets' exists")
    params = {"category_name": "Acme Secrets"}
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("get", "/apis/v3/kb/category/details", {}),
        ("put", "/apis/v3/kb/category/update", {"json": {"category_description": "pwned"}}),
        ("delete", "/apis/v3/kb/category/delete", {}),
    ]
    for method, url, kwargs in requests:
        response = app_client.request(method, url, params=params, headers=globex, **kwargs)
        assert (response.status_code, response.json()) == (404, missing), url
    # Globex may use the same name, and its order starts at 1.
    own = app_client.post("/apis/v3/kb/category/create", headers=globex,
                          json={"category_name": "Acme Secrets"})
    assert own.json()["category_order"] == 1
    acme_view = app_client.get("/apis/v3/kb/category/details", params=params, headers=acme)
    assert acme_view.json() == category(category_name="Acme Secrets")


def test_a_company_of_another_tenant_is_unknown(app_client: TestClient, tenant: TenantFixture,
                                                other_tenant: TenantFixture) -> None:
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    acme = {"Authorization": tenant.key, "Host": tenant.host}
    assert app_client.post("/apis/v3/companies/create", headers=globex,
                           json={"name": "Globex Only"}).status_code == 200
    response = app_client.post("/apis/v3/kb/category/create", headers=acme, json={
        "category_name": "FAQ", "support_portal_visibility": 4, "company_list": ["Globex Only"]})
    assert (response.status_code, response.json()) == (400, bad_request(
        "company_list: no company named 'Globex Only' exists"))
