"""Admin API: agents (roles, deactivation) and groups with their members."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.agents.service import create_agent
from supportdesk.catalog.service import create_group
from tests.factories import TenantFixture, bad_request, conflict, not_found

CREATED = "2026-01-05 09:00:00"
ALEX = {"id": 1, "email": "alex.morgan@demo.example", "name": "Alex Morgan", "role": "admin",
        "is_active": True, "created_at": CREATED}


def ticket(client: TestClient, **fields: Any) -> int:
    response = client.post("/apis/v3/tickets/create",
                           json={"email": "pat@customer.example", "subject": "Help", **fields})
    assert response.status_code == 200, response.text
    number: int = response.json()["ticket_number"]
    return number


# --- agents -------------------------------------------------------------------------


def test_list_agents(client: TestClient) -> None:
    body = client.get("/apis/admin/agents").json()
    assert body["count"] == 3
    assert body["agents"][0] == ALEX
    assert [a["email"] for a in body["agents"]] == [
        "alex.morgan@demo.example", "priya.shah@demo.example", "sam.oduya@demo.example"]


def test_create_and_get_an_agent(client: TestClient) -> None:
    response = client.post("/apis/admin/agents",
                           json={"email": " Jo@Acme.Example ", "name": " Jo Bloggs "})
    jo = {"id": 4, "email": "jo@acme.example", "name": "Jo Bloggs", "role": "agent",
          "is_active": True, "created_at": CREATED}
    assert (response.status_code, response.json()) == (201, jo)
    assert client.get("/apis/admin/agents/4").json() == jo
    number = ticket(client, assign_to="jo@acme.example")
    assert client.get("/apis/v3/tickets/details",
                      params={"ticket_number": number}).json()["assigned_to"] == \
        "jo@acme.example"


@pytest.mark.parametrize(("body", "message"), [
    ({"name": "Jo"}, "email is required"),
    ({"email": "jo@acme.example"}, "name is required"),
    ({"email": "not-an-email", "name": "Jo"}, "email 'not-an-email' is not a valid email "
                                              "address"),
    ({"email": "jo@acme.example", "name": "Jo", "role": "owner"},
     "role: Input should be 'admin' or 'agent'"),
    ({"email": "jo@acme.example", "name": " "}, "agent name must not be empty"),
    ({"email": "jo@acme.example", "name": "J" * 201},
     "name: String should have at most 200 characters"),
    ({"email": "jo@acme.example", "name": "Jo", "phone": "1"}, "phone is not a known field"),
])
def test_bad_agent_bodies_are_400(client: TestClient, body: dict[str, Any],
                                  message: str) -> None:
    response = client.post("/apis/admin/agents", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_agent_email_is_unique(client: TestClient) -> None:
    response = client.post("/apis/admin/agents",
                           json={"email": "ALEX.MORGAN@demo.example", "name": "Alex"})
    assert (response.status_code, response.json()) == (409, conflict(
        "an agent with email 'alex.morgan@demo.example' already exists"))


def test_update_an_agent(client: TestClient) -> None:
    response = client.patch("/apis/admin/agents/2", json={"name": "Priya S.", "role": "admin"})
    assert response.json() == {"id": 2, "email": "priya.shah@demo.example", "name": "Priya S.",
                               "role": "admin", "is_active": True, "created_at": CREATED}
    email = client.patch("/apis/admin/agents/2", json={"email": "p@demo.example"})
    assert (email.status_code, email.json()) == (400, bad_request("email is not a known field"))


def test_delete_deactivates_and_tickets_keep_the_agent(client: TestClient) -> None:
    number = ticket(client, assign_to="sam.oduya@demo.example")

    response = client.delete("/apis/admin/agents/3")

    assert (response.status_code, response.content) == (204, b"")
    assert client.get("/apis/admin/agents/3").json()["is_active"] is False
    assert client.get("/apis/v3/tickets/details", params={"ticket_number": number}
                      ).json()["assigned_to"] == "sam.oduya@demo.example"
    refused = client.post("/apis/v3/tickets/create", json={
        "email": "pat@customer.example", "subject": "x", "assign_to": "sam.oduya@demo.example"})
    assert refused.json() == bad_request(
        "assign_to: no active agent with email 'sam.oduya@demo.example'")
    back = client.patch("/apis/admin/agents/3", json={"is_active": True})
    assert back.json()["is_active"] is True
    assert ticket(client, assign_to="sam.oduya@demo.example") == 2


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_agent_is_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/apis/admin/agents/42",
                              json={} if method == "patch" else None)
    assert (response.status_code, response.json()) == (404, not_found("no agent with id 42"))


# --- groups -------------------------------------------------------------------------

SALES = {"id": 1, "name": "Sales", "position": 0, "members": ["alex.morgan@demo.example"]}


def test_list_groups_with_members(client: TestClient) -> None:
    body = client.get("/apis/admin/groups").json()
    assert body == {"count": 3, "groups": [
        SALES,
        {"id": 2, "name": '"Sales" Department', "position": 1,
         "members": ["priya.shah@demo.example"]},
        {"id": 3, "name": '"Marketing" Department', "position": 2,
         "members": ["sam.oduya@demo.example"]},
    ]}


def test_create_rename_and_delete_a_group(client: TestClient) -> None:
    response = client.post("/apis/admin/groups", json={
        "name": "Billing", "members": ["Priya.Shah@demo.example", "alex.morgan@demo.example"]})
    billing = {"id": 4, "name": "Billing", "position": 3,
               "members": ["alex.morgan@demo.example", "priya.shah@demo.example"]}
    assert (response.status_code, response.json()) == (201, billing)
    assert client.get("/apis/admin/groups/4").json() == billing
    number = ticket(client, group="Billing")
    renamed = client.patch("/apis/admin/groups/4", json={"name": "Accounts"})
    assert renamed.json() == {**billing, "name": "Accounts"}
    assert client.get("/apis/v3/tickets/details", params={"ticket_number": number}
                      ).json()["group"] == "Accounts"
    in_use = client.delete("/apis/admin/groups/4")
    assert (in_use.status_code, in_use.json()) == (409, conflict(
        "group 'Accounts' is used by 1 ticket; move them to another group first"))
    assert client.delete("/apis/admin/groups/1").status_code == 204
    assert client.get("/apis/admin/groups/1").json() == not_found("no group with id 1")
    assert client.get("/apis/admin/agents/1").json()["is_active"] is True


def test_group_errors(client: TestClient) -> None:
    assert client.post("/apis/admin/groups", json={"name": "sales"}).json() == \
        conflict("a group named 'sales' already exists")
    assert client.post("/apis/admin/groups", json={
        "name": "X", "members": ["nobody@demo.example"]}).json() == \
        bad_request("members: no agent with email 'nobody@demo.example'")
    assert client.patch("/apis/admin/groups/9", json={"name": "X"}).json() == \
        not_found("no group with id 9")
    assert client.get("/apis/admin/groups").json()["count"] == 3


def test_replace_add_and_remove_members(client: TestClient) -> None:
    replaced = client.put("/apis/admin/groups/1/members", json={
        "members": ["sam.oduya@demo.example", "priya.shah@demo.example",
                    "sam.oduya@demo.example"]})
    assert replaced.json() == {**SALES, "members": ["priya.shah@demo.example",
                                                    "sam.oduya@demo.example"]}
    added = client.post("/apis/admin/groups/1/members", json={"email": "alex.morgan@demo.example"})
    assert (added.status_code, added.json()["members"]) == (200, [
        "alex.morgan@demo.example", "priya.shah@demo.example", "sam.oduya@demo.example"])
    again = client.post("/apis/admin/groups/1/members", json={"email": "alex.morgan@demo.example"})
    assert again.json() == added.json()
    removed = client.delete("/apis/admin/groups/1/members/2")
    assert (removed.status_code, removed.content) == (204, b"")
    assert client.get("/apis/admin/groups/1").json()["members"] == [
        "alex.morgan@demo.example", "sam.oduya@demo.example"]
    not_member = client.delete("/apis/admin/groups/1/members/2")
    assert (not_member.status_code, not_member.json()) == (
        404, not_found("agent 2 is not a member of group 1"))
    emptied = client.put("/apis/admin/groups/1/members", json={"members": []})
    assert emptied.json()["members"] == []


def test_member_errors(client: TestClient) -> None:
    client.delete("/apis/admin/agents/3")
    deactivated = client.post("/apis/admin/groups/1/members",
                              json={"email": "sam.oduya@demo.example"})
    assert (deactivated.status_code, deactivated.json()) == (
        400, bad_request("email: agent 'sam.oduya@demo.example' is deactivated"))
    unknown = client.put("/apis/admin/groups/1/members", json={"members": ["x@y.example"]})
    assert unknown.json() == bad_request("members: no agent with email 'x@y.example'")
    bad = client.put("/apis/admin/groups/1/members", json={"members": "a@b.example"})
    assert bad.json() == bad_request("members: Input should be a valid list")
    missing = client.post("/apis/admin/groups/9/members", json={"email": "x@y.example"})
    assert missing.json() == not_found("no group with id 9")
    assert client.get("/apis/admin/groups/1").json() == SALES


def test_other_tenants_records_are_404(client: TestClient, other_tenant: TenantFixture) -> None:
    with other_tenant.unit() as unit:
        create_agent(unit.session, email="g@globex.example", name="G", clock=unit.clock)
        create_group(unit.session, name="Globex only")
        unit.commit()
    assert client.get("/apis/admin/agents/4").json() == not_found("no agent with id 4")
    assert client.get("/apis/admin/groups/4").json() == not_found("no group with id 4")
    assert client.patch("/apis/admin/agents/4", json={"name": "x"}).status_code == 404
    assert client.delete("/apis/admin/groups/4").status_code == 404
