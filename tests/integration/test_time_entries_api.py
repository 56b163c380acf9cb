"""Time entries: the v3 list and details, the admin API and the CLI-facing service."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock
from supportdesk.tenancy.service import issue_key
from tests.factories import TenantFixture, bad_request, not_found

ALEX = "alex.morgan@demo.example"
PRIYA = "priya.shah@demo.example"
ENTRY_KEYS = {"id", "ticket_number", "agent_email", "note", "billable", "created_time",
              "updated_time", "start_time", "time_spent_in_minutes", "timer_running",
              "additional_info"}
RECORD_KEYS = {"id", "ticket_number", "agent_email", "start_time", "minutes", "billable",
               "timer_running", "note", "additional_info", "created_at", "updated_at"}


def make_ticket(client: TestClient, email: str, subject: str = "Printer") -> int:
    response = client.post("/apis/v3/tickets/create", json={"email": email, "subject": subject})
    assert response.status_code == 200, response.text
    number: int = response.json()["ticket_number"]
    return number


def make_entry(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/apis/admin/time_entries", json=fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == RECORD_KEYS
    return body


def listed(client: TestClient, **query: str) -> list[int]:
    response = client.get("/apis/v3/time_entries", params=query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"count", "content"}
    return [item["id"] for item in body["content"]]


@pytest.fixture
def entries(client: TestClient, clock: FixedClock) -> dict[str, int]:
    """Five entries over two companies' tickets, created an hour apart."""
    assert client.post("/apis/v3/companies/create",
                       json={"name": "Contoso", "domains": "contoso.com"}).status_code == 200
    contoso = make_ticket(client, "ann@contoso.com")
    loose = make_ticket(client, "bob@example.org")
    ids: dict[str, int] = {}
    specs = [
        ("a", contoso, ALEX, 30, True, False, "2026-01-01 10:00:00"),
        ("b", contoso, PRIYA, 45, False, True, "2026-01-02 10:00:00"),
        ("c", loose, ALEX, 60, True, False, "2026-01-03 10:00:00"),
        ("d", loose, PRIYA, 15, False, False, "2026-01-04 10:00:00"),
        ("e", contoso, ALEX, 90, True, True, "2026-01-05 08:00:00"),
    ]
    for key, ticket, agent, minutes, billable, running, start in specs:
        ids[key] = make_entry(client, ticket_number=ticket, agent_email=agent, minutes=minutes,
                              billable=billable, timer_running=running, start_time=start)["id"]
        clock.advance(hours=1)
    return ids


def test_details_has_every_field(client: TestClient) -> None:
    number = make_ticket(client, "ann@example.com")
    created = make_entry(client, ticket_number=number, agent_email="Alex.Morgan@demo.example",
                         minutes=120, billable=True, note="Replaced the toner",
                         additional_info="On site", start_time="2026-01-05 08:00")
    assert created == {
        "id": 1, "ticket_number": number, "agent_email": ALEX,
        "start_time": "2026-01-05 08:00:00", "minutes": 120, "billable": True,
        "timer_running": False, "note": "Replaced the toner", "additional_info": "On site",
        "created_at": "2026-01-05 09:00:00", "updated_at": "2026-01-05 09:00:00",
    }
    response = client.get("/apis/v3/time_entries/details", params={"id": "1"})
    assert response.status_code == 200
    assert response.json() == {
        "id": 1, "ticket_number": number, "agent_email": ALEX, "note": "Replaced the toner",
        "billable": 1, "created_time": "2026-01-05 09:00:00",
        "updated_time": "2026-01-05 09:00:00", "start_time": "2026-01-05 08:00:00",
        "time_spent_in_minutes": 120, "timer_running": 0, "additional_info": "On site",
    }


def test_defaults_start_now_and_nulls(client: TestClient) -> None:
    number = make_ticket(client, "ann@example.com")
    make_entry(client, ticket_number=number, agent_email=ALEX, minutes=0, note="")
    body = client.get("/apis/v3/time_entries/details", params={"id": "1"}).json()
    assert set(body) == ENTRY_KEYS
    assert (body["start_time"], body["note"], body["additional_info"], body["billable"],
            body["timer_running"]) == ("2026-01-05 09:00:00", None, None, 0, 0)


def test_details_unknown_and_bad_ids(client: TestClient) -> None:
    response = client.get("/apis/v3/time_entries/details", params={"id": "7"})
    assert response.status_code == 404
    assert response.json() == not_found("time entry 7 does not exist")
    for value, message in [(None, "id is required"),
                           ("x", "id must be a positive whole number, got 'x'"),
                           ("0", "id must be a positive whole number, got '0'")]:
        query = {} if value is None else {"id": value}
        response = client.get("/apis/v3/time_entries/details", params=query)
        assert (response.status_code, response.json()) == (400, bad_request(message))


def test_list_without_filters(client: TestClient, entries: dict[str, int]) -> None:
    response = client.get("/apis/v3/time_entries")
    body = response.json()
    assert body["count"] == 5
    assert [e["id"] for e in body["content"]] == [1, 2, 3, 4, 5]
    assert all(set(e) == ENTRY_KEYS for e in body["content"])


@pytest.mark.parametrize(("query", "expected"), [
    ({"ticket_number": "1"}, ["a", "b", "e"]),
    ({"ticket_number": "2"}, ["c", "d"]),
    ({"ticket_number": "99"}, []),
    ({"agent_email": ALEX}, ["a", "c", "e"]),
    ({"agent_email": "PRIYA.shah@demo.example"}, ["b", "d"]),
    ({"agent_email": "nobody@demo.example"}, []),
    ({"company_name": "contoso"}, ["a", "b", "e"]),
    ({"company_name": "Unknown Inc"}, []),
    ({"started_before": "2026-01-03 10:00:00"}, ["a", "b"]),
    ({"started_after": "2026-01-03 10:00:00"}, ["d", "e"]),
    ({"started_after": "2026-01-02", "started_before": "2026-01-04"}, ["b", "c"]),
    ({"created_after": "2026-01-05 10:00:00"}, ["c", "d", "e"]),
    ({"updated_after": "2026-01-05 12:00:00"}, ["e"]),
    ({"billable": "1"}, ["a", "c", "e"]),
    ({"billable": "0"}, ["b", "d"]),
    ({"timer_running": "1"}, ["b", "e"]),
    ({"timer_running": "0"}, ["a", "c", "d"]),
    ({"billable": "1", "timer_running": "1", "agent_email": ALEX}, ["e"]),
    ({"offset": "3"}, ["d", "e"]),
    ({"offset": "9"}, []),
])
def test_each_filter(client: TestClient, entries: dict[str, int], query: dict[str, str],
                     expected: list[str]) -> None:
    response = client.get("/apis/v3/time_entries", params=query)
    body = response.json()
    assert [e["id"] for e in body["content"]] == [entries[k] for k in expected]
    if "offset" not in query:
        assert body["count"] == len(expected)
    else:
        assert body["count"] == 5


def test_page_sizes(client: TestClient) -> None:
    number = make_ticket(client, "ann@example.com")
    for _ in range(55):
        make_entry(client, ticket_number=number, agent_email=ALEX, minutes=1)
    assert len(listed(client)) == 30
    assert len(listed(client, time_entries_count="50")) == 50
    assert len(listed(client, time_entries_count="100")) == 55
    assert listed(client, time_entries_count="50", offset="50") == [51, 52, 53, 54, 55]


@pytest.mark.parametrize(("query", "message"), [
    ({"time_entries_count": "20"}, "time_entries_count must be one of 30, 50, 100, got '20'"),
    ({"billable": "yes"}, "billable must be 0 or 1, got 'yes'"),
    ({"timer_running": "2"}, "timer_running must be 0 or 1, got '2'"),
    ({"started_before": "yesterday"},
     "started_before must look like YYYY-MM-DD HH:MM:SS, got 'yesterday'"),
    ({"started_after": "2026-13-01"},
     "started_after must look like YYYY-MM-DD HH:MM:SS, got '2026-13-01'"),
    ({"created_after": "05/01/2026"},
     "created_after must look like YYYY-MM-DD HH:MM:SS, got '05/01/2026'"),
    ({"updated_after": "2026-01-05 25:00:00"},
     "updated_after must look like YYYY-MM-DD HH:MM:SS, got '2026-01-05 25:00:00'"),
    ({"ticket_number": "abc"}, "ticket_number must be a positive whole number, got 'abc'"),
    ({"offset": "-1"}, "offset must be a non-negative whole number, got '-1'"),
])
def test_bad_filters_are_400(client: TestClient, query: dict[str, str], message: str) -> None:
    response = client.get("/apis/v3/time_entries", params=query)
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_isolation(client: TestClient, entries: dict[str, int],
                   other_tenant: TenantFixture) -> None:
    client.headers["Authorization"] = other_tenant.key
    other = {"Host": other_tenant.host}
    assert client.get("/apis/v3/time_entries", headers=other).json() == \
        {"count": 0, "content": []}
    response = client.get("/apis/v3/time_entries/details", params={"id": "1"}, headers=other)
    assert response.status_code == 404
    response = client.delete("/apis/admin/time_entries/1", headers=other)
    assert response.status_code == 404


# --- admin API -------------------------------------------------------------


def test_admin_list_get_patch_delete(client: TestClient, entries: dict[str, int],
                                     clock: FixedClock) -> None:
    body = client.get("/apis/admin/time_entries", params={"ticket_number": "2"}).json()
    assert body["count"] == 2
    assert [e["id"] for e in body["time_entries"]] == [entries["c"], entries["d"]]
    assert client.get("/apis/admin/time_entries").json()["count"] == 5
    clock.advance(minutes=5)
    response = client.patch(f"/apis/admin/time_entries/{entries['d']}",
                            json={"minutes": 25, "billable": True, "note": "Checked",
                                  "agent_email": ALEX, "timer_running": True})
    assert response.status_code == 200
    changed = response.json()
    assert changed == {
        "id": entries["d"], "ticket_number": 2, "agent_email": ALEX,
        "start_time": "2026-01-04 10:00:00", "minutes": 25, "billable": True,
        "timer_running": True, "note": "Checked", "additional_info": None,
        "created_at": "2026-01-05 12:00:00", "updated_at": "2026-01-05 14:05:00",
    }
    assert client.get(f"/apis/admin/time_entries/{entries['d']}").json() == changed
    response = client.delete(f"/apis/admin/time_entries/{entries['d']}")
    assert (response.status_code, response.content) == (204, b"")
    response = client.get(f"/apis/admin/time_entries/{entries['d']}")
    assert response.json() == not_found(f"time entry {entries['d']} does not exist")


@pytest.mark.parametrize(("body", "message"), [
    ({"ticket_number": 99, "agent_email": ALEX, "minutes": 5},
     "ticket_number: ticket 99 does not exist"),
    ({"ticket_number": 1, "agent_email": "who@demo.example", "minutes": 5},
     "agent_email: 'who@demo.example' is not an agent of this helpdesk"),
    ({"ticket_number": 1, "agent_email": ALEX, "minutes": 5, "start_time": "soon"},
     "start_time must look like YYYY-MM-DD HH:MM:SS, got 'soon'"),
])
def test_admin_create_refusals(client: TestClient, body: dict[str, Any],
                               message: str) -> None:
    make_ticket(client, "ann@example.com")
    response = client.post("/apis/admin/time_entries", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))


@pytest.mark.parametrize("body", [
    {"ticket_number": 1, "agent_email": ALEX},
    {"ticket_number": 1, "agent_email": ALEX, "minutes": -1},
    {"ticket_number": 1, "agent_email": ALEX, "minutes": "5"},
    {"ticket_number": 1, "agent_email": ALEX, "minutes": 5, "colour": "red"},
    {"ticket_number": 1, "agent_email": ALEX, "minutes": 5, "note": "x" * 10_001},
])
def test_admin_create_validation(client: TestClient, body: dict[str, Any]) -> None:
    make_ticket(client, "ann@example.com")
    response = client.post("/apis/admin/time_entries", json=body)
    assert response.status_code == 400
    assert set(response.json()) == {"status", "error", "message"}


def test_admin_patch_refuses_null_required(client: TestClient,
                                           entries: dict[str, int]) -> None:
    response = client.patch("/apis/admin/time_entries/1", json={"minutes": None})
    assert (response.status_code, response.json()) == (400, bad_request(
        "minutes cannot be null"))


def test_admin_needs_an_admin_key(client: TestClient, tenant: TenantFixture) -> None:
    with tenant.database.session(write=True) as session:
        plain = issue_key(session, tenant_id=tenant.tenant_id, label="plain").secret
        session.commit()
    client.headers["Authorization"] = plain
    for method, path in [("GET", "/apis/admin/time_entries"),
                         ("POST", "/apis/admin/time_entries"),
                         ("GET", "/apis/admin/time_entries/1"),
                         ("PATCH", "/apis/admin/time_entries/1"),
                         ("DELETE", "/apis/admin/time_entries/1")]:
        response = client.request(method, path, json={} if method in ("POST", "PATCH")
                                  else None)
        assert response.status_code == 403, (method, path)
        assert response.json() == {
            "status": 403, "error": "Forbidden",
            "message": "this operation needs an administrator API key "
                       "(supportdesk apikey create --admin)"}
    # The public read works with any key.
    assert client.get("/apis/v3/time_entries").status_code == 200
