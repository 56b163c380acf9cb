"""Admin API: API keys, and what every settings endpoint demands of the caller."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.tenancy.service import issue_key
from tests.factories import TenantFixture, bad_request, conflict, not_found

CREATED = "2026-01-05 09:00:00"
KEY = re.compile(r"^sd_[A-Za-z0-9_-]{43}$")
# Every settings operation of the admin API: (method, path, body).
OPERATIONS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "/apis/admin/agents", None),
    ("post", "/apis/admin/agents", {"email": "x@acme.example", "name": "X"}),
    ("get", "/apis/admin/agents/1", None),
    ("patch", "/apis/admin/agents/1", {"name": "X"}),
    ("delete", "/apis/admin/agents/1", None),
    ("get", "/apis/admin/groups", None),
    ("post", "/apis/admin/groups", {"name": "X"}),
    ("get", "/apis/admin/groups/1", None),
    ("patch", "/apis/admin/groups/1", {"name": "X"}),
    ("delete", "/apis/admin/groups/1", None),
    ("put", "/apis/admin/groups/1/members", {"members": []}),
    ("post", "/apis/admin/groups/1/members", {"email": "x@acme.example"}),
    ("delete", "/apis/admin/groups/1/members/1", None),
    ("get", "/apis/admin/statuses", None),
    ("post", "/apis/admin/statuses", {"name": "X", "category": "open"}),
    ("get", "/apis/admin/statuses/1", None),
    ("patch", "/apis/admin/statuses/1", {"name": "X"}),
    ("delete", "/apis/admin/statuses/1", None),
    ("get", "/apis/admin/ticket_types", None),
    ("post", "/apis/admin/ticket_types", {"name": "X"}),
    ("get", "/apis/admin/ticket_types/1", None),
    ("patch", "/apis/admin/ticket_types/1", {"name": "X"}),
    ("delete", "/apis/admin/ticket_types/1", None),
    ("get", "/apis/admin/categories", None),
    ("post", "/apis/admin/categories", {"name": "X"}),
    ("get", "/apis/admin/categories/1", None),
    ("patch", "/apis/admin/categories/1", {"name": "X"}),
    ("delete", "/apis/admin/categories/1", None),
    ("get", "/apis/admin/categories/1/subcategories", None),
    ("post", "/apis/admin/categories/1/subcategories", {"name": "X"}),
    ("get", "/apis/admin/categories/1/subcategories/1", None),
    ("patch", "/apis/admin/categories/1/subcategories/1", {"name": "X"}),
    ("delete", "/apis/admin/categories/1/subcategories/1", None),
    ("get", "/apis/admin/custom_fields", None),
    ("post", "/apis/admin/custom_fields", {"label": "X", "field_type": "text"}),
    ("get", "/apis/admin/custom_fields/1", None),
    ("patch", "/apis/admin/custom_fields/1", {"label": "X"}),
    ("delete", "/apis/admin/custom_fields/1", None),
    ("get", "/apis/admin/sla_policies", None),
    ("post", "/apis/admin/sla_policies", {"name": "X"}),
    ("get", "/apis/admin/sla_policies/1", None),
    ("patch", "/apis/admin/sla_policies/1", {"name": "X"}),
    ("delete", "/apis/admin/sla_policies/1", None),
    ("get", "/apis/admin/business_hours", None),
    ("post", "/apis/admin/business_hours", {"name": "X", "timezone": "UTC", "week": {}}),
    ("get", "/apis/admin/business_hours/1", None),
    ("patch", "/apis/admin/business_hours/1", {"name": "X"}),
    ("delete", "/apis/admin/business_hours/1", None),
    ("get", "/apis/admin/api_keys", None),
    ("post", "/apis/admin/api_keys", {}),
    ("delete", "/apis/admin/api_keys/1", None),
]
FORBIDDEN = {"status": 403, "error": "Forbidden", "message": "this operation needs an "
             "administrator API key (supportdesk apikey create --admin)"}
MISSING = {"status": 401, "error": "Unauthorized",
           "message": "the Authorization header with your API key is missing"}


def agent_key(tenant: TenantFixture) -> str:
    """A key for an integration, not an administrator."""
    with tenant.database.session(write=True) as session:
        key = issue_key(session, tenant_id=tenant.tenant_id, label="bot", clock=tenant.clock)
        session.commit()
    return key.secret


def first_key_record(tenant: TenantFixture) -> dict[str, Any]:
    return {"id": 1, "prefix": tenant.key[:9], "label": "first key", "is_admin": True,
            "created_at": CREATED, "revoked_at": None}


def test_non_admin_keys_are_403_and_no_key_is_401(app_client: TestClient,
                                                   tenant: TenantFixture) -> None:
    key = agent_key(tenant)
    wrong: list[str] = []
    for method, path, body in OPERATIONS:
        response = app_client.request(method, path, json=body, headers={"Authorization": key})
        missing = app_client.request(method, path, json=body)
        if (response.status_code, response.json()) != (403, FORBIDDEN):
            wrong.append(f"{method} {path}: {response.status_code} {response.text}")
        if (missing.status_code, missing.json()) != (401, MISSING):
            wrong.append(f"{method} {path}: {missing.status_code} {missing.text}")
    assert wrong == []
    with tenant.unit(write=False) as unit:
        assert [s.name for s in unit.catalog.statuses] == ["Open", "Pending", "Resolved",
                                                           "Closed"]
        assert [a.is_active for a in unit.catalog.agents] == [True, True, True]
        assert len(unit.catalog.groups) == 3


def test_list_keys_without_secrets(client: TestClient, tenant: TenantFixture) -> None:
    agent_key(tenant)
    body = client.get("/apis/admin/api_keys").json()
    assert body == {"count": 2, "api_keys": [
        first_key_record(tenant),
        {"id": 2, "prefix": body["api_keys"][1]["prefix"], "label": "bot", "is_admin": False,
         "created_at": CREATED, "revoked_at": None},
    ]}


def test_create_returns_the_secret_once(client: TestClient) -> None:
    response = client.post("/apis/admin/api_keys", json={"label": "CI", "is_admin": True})
    assert response.status_code == 201
    body = response.json()
    secret = body.pop("key")
    assert KEY.match(secret)
    assert body == {"id": 2, "prefix": secret[:9], "label": "CI", "is_admin": True,
                    "created_at": CREATED, "revoked_at": None}
    listed = client.get("/apis/admin/api_keys").json()["api_keys"]
    assert listed[1] == body
    assert secret not in client.get("/apis/admin/api_keys").text
    works = client.get("/apis/admin/statuses", headers={"Authorization": secret})
    assert works.status_code == 200


def test_a_created_non_admin_key_works_on_v3_only(client: TestClient) -> None:
    secret = client.post("/apis/admin/api_keys", json={}).json()["key"]
    assert client.get("/apis/v3/tickets", headers={"Authorization": secret}).status_code == 200
    denied = client.get("/apis/admin/api_keys", headers={"Authorization": secret})
    assert (denied.status_code, denied.json()) == (403, FORBIDDEN)


@pytest.mark.parametrize(("body", "message"), [
    ({"label": "x" * 201}, "label: String should have at most 200 characters"),
    ({"label": "a\u0000b"}, "label: must not contain NUL characters"),
    ({"is_admin": "maybe"}, "is_admin: Input should be a valid boolean, unable to interpret "
                            "input"),
    ({"secret": "mine"}, "secret is not a known field"),
])
def test_bad_key_bodies_are_400(client: TestClient, body: dict[str, Any], message: str) -> None:
    response = client.post("/apis/admin/api_keys", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_revoke_a_key(client: TestClient, tenant: TenantFixture) -> None:
    secret = agent_key(tenant)
    response = client.delete("/apis/admin/api_keys/2")
    assert (response.status_code, response.content) == (204, b"")
    refused = client.get("/apis/v3/tickets", headers={"Authorization": secret})
    assert refused.status_code == 401
    listed = client.get("/apis/admin/api_keys").json()["api_keys"][1]
    assert listed["revoked_at"] == CREATED
    again = client.delete("/apis/admin/api_keys/2")
    assert (again.status_code, again.json()) == (404, not_found("no active API key with id 2"))
    unknown = client.delete("/apis/admin/api_keys/9")
    assert unknown.json() == not_found("no active API key with id 9")


def test_a_key_cannot_revoke_itself(client: TestClient, tenant: TenantFixture) -> None:
    response = client.delete("/apis/admin/api_keys/1")
    assert (response.status_code, response.json()) == (409, conflict(
        "an API key cannot revoke itself; use another administrator key"))
    assert client.get("/apis/admin/api_keys").json()["api_keys"] == [first_key_record(tenant)]


def test_other_tenants_keys_are_invisible(client: TestClient, tenant: TenantFixture,
                                          other_tenant: TenantFixture) -> None:
    agent_key(other_tenant)
    assert client.get("/apis/admin/api_keys").json()["count"] == 1
    response = client.delete("/apis/admin/api_keys/2")
    assert response.json() == not_found("no active API key with id 2")
    foreign = client.get("/apis/admin/api_keys", headers={"Authorization": other_tenant.key})
    assert foreign.status_code == 401


def test_settings_operations_are_documented(app_client: TestClient) -> None:
    document = app_client.get("/apis/v3/openapi.json").json()
    problems: list[str] = []
    for method, path, _body in OPERATIONS:
        template = re.sub(r"/\d+", lambda m: "/{}", path)
        matches = [p for p in document["paths"]
                   if re.sub(r"\{[^}]+\}", "{}", p) == template]
        assert len(matches) == 1, path
        operation = document["paths"][matches[0]][method]
        if not operation["operationId"].startswith("Admin"):
            problems.append(f"{method} {path}: operationId {operation['operationId']}")
        for status in ("400", "401", "403"):
            if status not in operation["responses"]:
                problems.append(f"{method} {path}: {status} not documented")
        success = {k: v for k, v in operation["responses"].items() if k in {"200", "201"}}
        if method == "delete" and "204" in operation["responses"]:
            continue
        body = next(iter(success.values()))["content"]["application/json"]
        if "example" not in body:
            problems.append(f"{method} {path}: no example")
    assert problems == []
