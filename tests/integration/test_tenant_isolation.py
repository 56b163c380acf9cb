"""Tenants never see each other's tickets, messages or files."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import TenantFixture

NOT_FOUND_KEYS = {"status", "error", "message"}


def as_tenant(client: TestClient, tenant: TenantFixture, method: str, url: str,
              **kwargs: Any) -> Any:
    headers = {"Authorization": tenant.key, "Host": tenant.host}
    return client.request(method, url, headers=headers, **kwargs)


@pytest.fixture
def acme_data(app_client: TestClient, tenant: TenantFixture,
              other_tenant: TenantFixture) -> dict[str, Any]:
    """Acme: tickets 1-3 (one with a file); globex: ticket 1 only."""
    for number in (1, 2, 3):
        response = as_tenant(app_client, tenant, "post", "/apis/v3/tickets/create_with_attachment",
                             data={"ticket_object": f'{{"email": "acme{number}@example.com", '
                                                    f'"subject": "Acme secret {number}"}}'},
                             files=[("file", ("secret.txt", b"ACME", "text/plain"))])
        assert response.status_code == 200
    as_tenant(app_client, tenant, "post", "/apis/v3/tickets/add_note?ticket_number=1",
              json={"body": "acme note"})
    globex = as_tenant(app_client, other_tenant, "post", "/apis/v3/tickets/create",
                       json={"email": "g@globex.example", "subject": "Globex own"})
    assert globex.json()["ticket_number"] == 1
    details = as_tenant(app_client, tenant, "get", "/apis/v3/tickets/details?ticket_number=3")
    return {"attachment_url": details.json()["attachments"][0]["attachment_url"]}


def test_globex_cannot_reach_acme_tickets(app_client: TestClient, tenant: TenantFixture,
                                          other_tenant: TenantFixture,
                                          acme_data: dict[str, Any]) -> None:
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("get", "/apis/v3/tickets/details?ticket_number=2", {}),
        ("get", "/apis/v3/tickets/details?ticket_number=3", {}),
        ("put", "/apis/v3/tickets/update?ticket_number=2", {"json": {"subject": "pwned"}}),
        ("post", "/apis/v3/tickets/add_reply?ticket_number=2", {"json": {"body": "x"}}),
        ("post", "/apis/v3/tickets/add_note?ticket_number=3", {"json": {"body": "x"}}),
        ("get", "/apis/v3/tickets/conversations?ticket_number=2", {}),
        ("post", "/apis/v3/tickets/add_reply_with_attachment?ticket_number=2",
         {"data": {"reply_object": '{"body": "x"}'},
          "files": [("file", ("a.txt", b"a", "text/plain"))]}),
        ("post", "/apis/v3/tickets/add_note_with_attachment?ticket_number=3",
         {"data": {"note_object": '{"body": "x"}'},
          "files": [("file", ("a.txt", b"a", "text/plain"))]}),
    ]
    for method, url, kwargs in requests:
        response = as_tenant(app_client, other_tenant, method, url, **kwargs)
        assert response.status_code == 404, (url, response.text)
        number = re.search(r"ticket_number=(\d+)", url)
        assert number is not None
        assert response.json() == {"status": 404, "error": "Not Found",
                                   "message": f"ticket {number.group(1)} does not exist"}
        assert "Acme" not in response.text
    # Ticket 1 exists in both tenants: globex sees its own.
    own = as_tenant(app_client, other_tenant, "get", "/apis/v3/tickets/details?ticket_number=1")
    assert (own.json()["subject"], own.json()["attachments"]) == ("Globex own", [])
    history = as_tenant(app_client, other_tenant, "get",
                        "/apis/v3/tickets/conversations?ticket_number=1").json()
    assert history["count"] == 0
    # Acme's ticket was not changed by globex's attempts.
    acme = as_tenant(app_client, tenant, "get", "/apis/v3/tickets/details?ticket_number=2")
    assert (acme.json()["subject"], acme.json()["conversation_count"]) == ("Acme secret 2", 0)


def test_globex_cannot_download_acme_attachments(app_client: TestClient,
                                                 tenant: TenantFixture,
                                                 other_tenant: TenantFixture,
                                                 acme_data: dict[str, Any]) -> None:
    url = acme_data["attachment_url"]
    globex_url = url.replace("acme.localhost", "globex.localhost")
    response = as_tenant(app_client, other_tenant, "get", globex_url)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "Not Found",
                               "message": "no such attachment"}
    assert as_tenant(app_client, tenant, "get", url).content == b"ACME"


def test_acme_key_on_globex_host_is_401(app_client: TestClient, tenant: TenantFixture,
                                        other_tenant: TenantFixture,
                                        acme_data: dict[str, Any]) -> None:
    for method, url in (("get", "/apis/v3/tickets"),
                        ("get", "/apis/v3/tickets/details?ticket_number=1"),
                        ("put", "/apis/v3/tickets/update?ticket_number=1")):
        response = app_client.request(method, url, json={"subject": "x"},
                                      headers={"Authorization": tenant.key,
                                               "Host": other_tenant.host})
        assert response.status_code == 401
        assert set(response.json()) == NOT_FOUND_KEYS
        assert response.json()["status"] == 401
    own = as_tenant(app_client, other_tenant, "get", "/apis/v3/tickets/details?ticket_number=1")
    assert own.json()["subject"] == "Globex own"


def test_lists_show_only_own_tickets(app_client: TestClient, tenant: TenantFixture,
                                     other_tenant: TenantFixture,
                                     acme_data: dict[str, Any]) -> None:
    acme = as_tenant(app_client, tenant, "get", "/apis/v3/tickets").json()
    assert (acme["count"], [t["subject"] for t in acme["tickets"]]) == (
        3, ["Acme secret 3", "Acme secret 2", "Acme secret 1"])
    globex = as_tenant(app_client, other_tenant, "get", "/apis/v3/tickets").json()
    assert (globex["count"], [t["subject"] for t in globex["tickets"]]) == (1, ["Globex own"])
    filtered = as_tenant(app_client, other_tenant, "get", "/apis/v3/tickets",
                         params={"filters": '{"contact": ["acme1@example.com"]}'}).json()
    assert filtered == {"count": 0, "tickets": []}
    # Numbering is per tenant.
    created = as_tenant(app_client, other_tenant, "post", "/apis/v3/tickets/create",
                        json={"email": "h@globex.example", "subject": "Second"})
    assert created.json()["ticket_number"] == 2


def test_every_v3_route_answers_401_without_a_key(app_client: TestClient,
                                                  tenant: TenantFixture) -> None:
    # The OpenAPI document is the public list of every route (the router's own
    # route objects are private to FastAPI).
    paths = app_client.app.openapi()["paths"]  # type: ignore[attr-defined]
    operations = [(method, path) for path, item in paths.items() for method in item
                  if path.startswith("/apis/v3/")]
    ticket_paths = {path for _, path in operations if "/tickets" in path}
    assert ticket_paths >= {
        "/apis/v3/tickets", "/apis/v3/tickets/details", "/apis/v3/tickets/create",
        "/apis/v3/tickets/update", "/apis/v3/tickets/add_reply", "/apis/v3/tickets/add_note",
        "/apis/v3/tickets/conversations", "/apis/v3/tickets/create_with_attachment",
        "/apis/v3/tickets/add_reply_with_attachment",
        "/apis/v3/tickets/add_note_with_attachment"}
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", "1", path)
        for headers in ({"Host": tenant.host}, {"Host": tenant.host, "Authorization": "nope"}):
            response = app_client.request(method, url, headers=headers)
            assert response.status_code == 401, (method, path, response.text)
            assert set(response.json()) == NOT_FOUND_KEYS
            assert response.json()["status"] == 401
