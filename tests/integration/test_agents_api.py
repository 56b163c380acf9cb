"""``GET /apis/v3/agents``: the team as real scripts read it, ``{count, content}``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from tests.factories import TenantFixture, make_tenant

ITEM_KEYS = ["email", "name", "role", "is_active", "created_on"]
DEMO_TEAM = [
    {"email": "alex.morgan@demo.example", "name": "Alex Morgan", "role": "admin",
     "is_active": True, "created_on": "2026-01-05 09:00:00"},
    {"email": "priya.shah@demo.example", "name": "Priya Shah", "role": "agent",
     "is_active": True, "created_on": "2026-01-05 09:00:00"},
    {"email": "sam.oduya@demo.example", "name": "Sam Oduya", "role": "agent",
     "is_active": True, "created_on": "2026-01-05 09:00:00"},
]


def test_the_demo_team_in_the_exact_shape(client: TestClient) -> None:
    response = client.get("/apis/v3/agents")
    assert (response.status_code, response.headers["content-type"]) == (
        200, "application/json")
    body = response.json()
    assert list(body) == ["count", "content"]
    assert [list(item) for item in body["content"]] == [ITEM_KEYS] * 3
    assert body == {"count": 3, "content": DEMO_TEAM}


def test_new_and_deactivated_agents_oldest_first(client: TestClient,
                                                 clock: FixedClock) -> None:
    clock.advance(days=1, minutes=30)
    created = client.post("/apis/admin/agents", json={
        "email": "Jo.Bloggs@Demo.Example", "name": " Jo Bloggs ", "role": "admin"})
    assert created.status_code == 201, created.text
    deactivated = client.delete("/apis/admin/agents/2")
    assert deactivated.status_code == 204, deactivated.text

    body = client.get("/apis/v3/agents").json()

    assert body == {"count": 4, "content": [
        DEMO_TEAM[0], {**DEMO_TEAM[1], "is_active": False}, DEMO_TEAM[2],
        {"email": "jo.bloggs@demo.example", "name": "Jo Bloggs", "role": "admin",
         "is_active": True, "created_on": "2026-01-06 09:30:00"}]}


def test_only_the_callers_team(client: TestClient, other_tenant: TenantFixture) -> None:
    theirs = client.post("/apis/admin/agents", json={"email": "kim@globex.example",
                                                     "name": "Kim"},
                         headers={"Authorization": other_tenant.key,
                                  "Host": other_tenant.host})
    assert theirs.status_code == 201, theirs.text
    assert client.get("/apis/v3/agents").json() == {"count": 3, "content": DEMO_TEAM}


def test_a_helpdesk_without_agents(app_client: TestClient, database: Database,
                                   settings: Settings, clock: FixedClock) -> None:
    bare = make_tenant(database, settings, clock, subdomain="initech", demo=False)
    response = app_client.get("/apis/v3/agents", headers={"Authorization": bare.key,
                                                          "Host": bare.host})
    assert (response.status_code, response.json()) == (200, {"count": 0, "content": []})
