"""Safe retries: ``Idempotency-Key`` on every POST gives one record and one response."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from supportdesk.api.idempotency import fingerprint
from supportdesk.clock import FixedClock
from supportdesk.tenancy.service import issue_key
from supportdesk.tickets.models import Conversation, Ticket
from tests.factories import TenantFixture, bad_request

TICKET = {"email": "pat@example.com", "subject": "Printer on fire",
          "description": "<p>Smoke</p>"}


def _tickets(tenant: TenantFixture) -> int:
    with tenant.unit(write=False) as unit:
        return int(unit.session.scalar(select(func.count()).select_from(Ticket)) or 0)


def _create(client: TestClient, key: str, body: dict[str, Any] = TICKET) -> Any:
    return client.post("/apis/v3/tickets/create", json=body,
                       headers={"Idempotency-Key": key})


def test_a_replayed_create_returns_the_first_response_and_makes_one_ticket(
    client: TestClient, tenant: TenantFixture,
) -> None:
    first = _create(client, "create-1")
    second = _create(client, "create-1")
    assert first.status_code == 200
    assert first.json()["ticket_number"] == 1
    assert "idempotent-replayed" not in first.headers
    assert second.status_code == 200
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["content-type"] == "application/json"
    assert _tickets(tenant) == 1


def test_without_the_header_every_post_creates(client: TestClient,
                                               tenant: TenantFixture) -> None:
    client.post("/apis/v3/tickets/create", json=TICKET)
    client.post("/apis/v3/tickets/create", json=TICKET)
    assert _tickets(tenant) == 2


def test_the_same_key_with_another_body_is_422(client: TestClient,
                                               tenant: TenantFixture) -> None:
    _create(client, "create-1")
    response = _create(client, "create-1", {**TICKET, "subject": "Different"})
    assert response.status_code == 422
    assert response.json() == {
        "status": 422, "error": "Unprocessable Entity",
        "message": "the Idempotency-Key 'create-1' was already used with a different "
                   "request; use a new key for a new request",
    }
    assert _tickets(tenant) == 1


def test_the_same_key_on_another_path_is_422(client: TestClient) -> None:
    _create(client, "k")
    response = client.post("/apis/v3/contacts/create", json={"name": "Pat",
                                                              "primary_email": "p@x.io"},
                           headers={"Idempotency-Key": "k"})
    assert response.status_code == 422


def test_keys_belong_to_one_api_key(client: TestClient, tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        other_key = issue_key(unit.session, tenant_id=tenant.tenant_id).secret
        unit.commit()
    _create(client, "shared")
    response = client.post("/apis/v3/tickets/create", json=TICKET,
                           headers={"Idempotency-Key": "shared", "Authorization": other_key})
    assert response.status_code == 200
    assert response.json()["ticket_number"] == 2
    assert _tickets(tenant) == 2


def test_errors_are_remembered_too(client: TestClient, tenant: TenantFixture) -> None:
    body = {**TICKET, "priority": 3}
    first = _create(client, "bad", body)
    second = _create(client, "bad", body)
    assert first.status_code == 400
    assert second.status_code == 400
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"


def test_a_key_expires_after_a_day(client: TestClient, tenant: TenantFixture,
                                   clock: FixedClock) -> None:
    _create(client, "daily")
    clock.advance(hours=24, seconds=1)
    response = _create(client, "daily")
    assert "idempotent-replayed" not in response.headers
    assert response.json()["ticket_number"] == 2


def test_a_malformed_key_is_400(client: TestClient, tenant: TenantFixture) -> None:
    for bad in ("x" * 256, "with space", "tab\there"):
        response = _create(client, bad)
        assert response.status_code == 400
        assert response.json() == bad_request(
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters")
    assert _tickets(tenant) == 0


def test_an_unknown_api_key_is_401_as_without_the_header(app_client: TestClient) -> None:
    response = app_client.post("/apis/v3/tickets/create", json=TICKET,
                               headers={"Idempotency-Key": "k", "Authorization": "nope"})
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_a_replayed_reply_makes_one_message(client: TestClient, tenant: TenantFixture) -> None:
    client.post("/apis/v3/tickets/create", json=TICKET)
    responses = [
        client.post("/apis/v3/tickets/add_reply?ticket_number=1", json={"body": "On it"},
                    headers={"Idempotency-Key": "reply-1"})
        for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.content for r in responses}) == 1
    with tenant.unit(write=False) as unit:
        assert unit.session.scalar(select(func.count()).select_from(Conversation)) == 1


def test_multipart_retries_match_despite_a_new_boundary(client: TestClient,
                                                        tenant: TenantFixture) -> None:
    ticket_object = '{"email": "pat@example.com", "subject": "With file"}'
    responses = [
        client.post("/apis/v3/tickets/create_with_attachment",
                    data={"ticket_object": ticket_object},
                    files=[("file", ("report.txt", b"hello", "text/plain"))],
                    headers={"Idempotency-Key": "upload-1"})
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[1].headers["idempotent-replayed"] == "true"
    assert _tickets(tenant) == 1


def test_concurrent_retries_make_one_ticket_and_get_one_answer(
    client: TestClient, tenant: TenantFixture,
) -> None:
    def send(_: int) -> tuple[int, bytes]:
        response = _create(client, "burst")
        return response.status_code, response.content

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert {status for status, _ in results} == {200}
    assert len({content for _, content in results}) == 1
    assert _tickets(tenant) == 1


def test_the_fingerprint_ignores_only_the_multipart_boundary() -> None:
    one = fingerprint("POST", "/p", b"", b"multipart/form-data; boundary=aaa",
                      b"--aaa\r\nx\r\n--aaa--")
    two = fingerprint("POST", "/p", b"", b"multipart/form-data; boundary=bbb",
                      b"--bbb\r\nx\r\n--bbb--")
    other = fingerprint("POST", "/p", b"", b"multipart/form-data; boundary=bbb",
                        b"--bbb\r\ny\r\n--bbb--")
    assert one == two
    assert one != other
    assert fingerprint("POST", "/p", b"a=1", b"", b"") != fingerprint("POST", "/p", b"a=2",
                                                                       b"", b"")
