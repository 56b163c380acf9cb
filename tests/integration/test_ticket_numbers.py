"""Ticket numbers: per tenant, sequential and never shared, even under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture

THREADS = 8
PER_THREAD = 10


def test_concurrent_creates_through_the_services(tenant: TenantFixture) -> None:
    def worker(thread: int) -> list[int]:
        numbers = []
        for index in range(PER_THREAD):
            with tenant.unit() as unit:
                view = create_ticket(unit, NewTicket(
                    contact_email=f"t{thread}-{index}@example.com", subject="race"))
                numbers.append(view.ticket.number)
        return numbers

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, range(THREADS)))
    numbers = sorted(n for result in results for n in result)
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
    for result in results:
        assert result == sorted(result)


def test_concurrent_creates_through_the_api(client: TestClient) -> None:
    def worker(thread: int) -> list[int]:
        numbers = []
        for index in range(PER_THREAD):
            response = client.post("/apis/v3/tickets/create", json={
                "email": "same@example.com" if index % 2 else f"t{thread}-{index}@example.com",
                "subject": f"race {thread}-{index}"})
            assert response.status_code == 200, response.text
            numbers.append(response.json()["ticket_number"])
        return numbers

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, range(THREADS)))
    numbers = sorted(n for result in results for n in result)
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
    listed = client.get("/apis/v3/tickets", params={"ticket_count": "100"}).json()
    assert listed["count"] == THREADS * PER_THREAD
    assert sorted(t["ticket_number"] for t in listed["tickets"]) == numbers


def test_numbers_are_per_tenant(client: TestClient, tenant: TenantFixture,
                                other_tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        for _ in range(3):
            create_ticket(unit, NewTicket(contact_email="a@example.com", subject="acme"))
    with other_tenant.unit() as unit:
        first = create_ticket(unit, NewTicket(contact_email="a@example.com", subject="globex"))
    assert first.ticket.number == 1
    created = client.post("/apis/v3/tickets/create",
                          json={"email": "a@example.com", "subject": "acme 4"})
    assert created.json()["ticket_number"] == 4
