"""Pages past the middle are picked from the far end: the same tickets as a plain OFFSET."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets.models import Ticket
from tests.factories import TenantFixture

TICKETS = 75


def expected_order(tenant: TenantFixture, *, by_updated: bool, descending: bool) -> list[int]:
    column = Ticket.updated_at if by_updated else Ticket.created_at
    ordering = (column.desc(), Ticket.number.desc()) if descending \
        else (column.asc(), Ticket.number.asc())
    with tenant.unit(write=False) as unit:
        return list(unit.session.scalars(select(Ticket.number).order_by(*ordering)))


@pytest.mark.parametrize("order_by", ["created_time", "updated_time"])
@pytest.mark.parametrize("order_type", ["desc", "asc"])
def test_every_offset_gives_the_plain_offset_page(
    client: TestClient, tenant: TenantFixture, order_by: str, order_type: str,
) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=TICKETS, contacts=10,
                 clock=tenant.clock)
    everything = expected_order(tenant, by_updated=order_by == "updated_time",
                                descending=order_type == "desc")
    assert len(everything) == TICKETS
    for offset in [0, 1, 30, 36, 37, 38, 45, 60, 70, 74, 75, 80]:
        body = client.get("/apis/v3/tickets", params={
            "offset": str(offset), "order_by": order_by, "order_type": order_type}).json()
        assert body["count"] == TICKETS
        assert [t["ticket_number"] for t in body["tickets"]] == \
            everything[offset:offset + 30], offset


def test_a_filtered_deep_page_matches_too(client: TestClient, tenant: TenantFixture) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=TICKETS, contacts=10,
                 clock=tenant.clock)
    with tenant.unit(write=False) as unit:
        done = [s.id for s in unit.catalog.statuses if s.name in ("Resolved", "Closed")]
        expected = list(unit.session.scalars(
            select(Ticket.number).where(Ticket.status_id.in_(done))
            .order_by(Ticket.created_at.desc(), Ticket.number.desc())))
    assert len(expected) > 31
    filters = '{"status": ["Resolved", "Closed"]}'
    for offset in [0, len(expected) // 2 + 1, len(expected) - 31, len(expected) - 1]:
        body = client.get("/apis/v3/tickets", params={
            "offset": str(offset), "filters": filters}).json()
        assert body["count"] == len(expected)
        assert [t["ticket_number"] for t in body["tickets"]] == \
            expected[offset:offset + 30], offset
