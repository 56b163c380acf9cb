"""The kept ticket counts (``ticket_counts``) always equal a COUNT over the tickets.

Random creates and updates through the ticket service, concurrent creates,
bulk seeding and ``rebuild_counts``: after each, every counter row equals
the SQL count of its dimension and value, and the list's ``count`` for one
filter key equals the number of tickets the reference finds.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from supportdesk.errors import BadRequest
from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets import counters
from supportdesk.tickets.filters import ID_KEYS, key_column
from supportdesk.tickets.models import Ticket, TicketCount
from supportdesk.tickets.service import NewTicket, TicketChanges, create_ticket, update_ticket
from tests.factories import TenantFixture

STATUSES = ["Open", "Pending", "Resolved", "Closed"]
TYPES = [None, "Question", "Incident", "Customer's Request"]
GROUPS = [None, "Sales", '"Marketing" Department']
AGENTS = [None, "alex.morgan@demo.example", "sam.oduya@demo.example"]
CATEGORIES: list[tuple[str | None, str | None]] = [
    (None, None), ("Hardware", None), ("Hardware", "Printer"), ("Software", "Laptop")]
PRIORITIES = [1, 5, 10, 20]
SOURCES = [1, 5, 12]


def kept(tenant: TenantFixture) -> dict[tuple[str, int], int]:
    """The counter rows of ``tenant`` that are not zero."""
    with tenant.unit(write=False) as unit:
        rows = unit.session.execute(
            select(TicketCount.dimension, TicketCount.value, TicketCount.count))
        return {(dimension, value): count for dimension, value, count in rows if count}


def recounted(tenant: TenantFixture) -> dict[tuple[str, int], int]:
    """What the counter rows must be: GROUP BY over the tenant's tickets."""
    with tenant.unit(write=False) as unit:
        expected: dict[tuple[str, int], int] = {}
        total = unit.session.scalar(select(func.count()).select_from(Ticket)) or 0
        if total:
            expected[("all", 0)] = total
        for key in ID_KEYS:
            column = key_column(key)
            for value, count in unit.session.execute(
                    select(column, func.count()).group_by(column)):
                expected[(key, counters.UNSET_VALUE if value is None else value)] = count
        return expected


def a_draft(rng: random.Random, index: int) -> NewTicket:
    category, subcategory = rng.choice(CATEGORIES)
    return NewTicket(
        contact_email=f"c{index % 5}@example.com", subject=f"Ticket {index}",
        status=rng.choice(STATUSES), priority=rng.choice(PRIORITIES), type=rng.choice(TYPES),
        group=rng.choice(GROUPS), assignee_email=rng.choice(AGENTS), category=category,
        subcategory=subcategory, source=rng.choice(SOURCES))


def a_change(rng: random.Random) -> TicketChanges:
    """A random partial update: some counted attributes, sometimes only the subject."""
    present = set(rng.sample(["status", "priority", "type", "group", "assign_to",
                              "category", "subject"], k=rng.randint(1, 4)))
    category, subcategory = rng.choice(CATEGORIES)
    if "category" in present:
        present.add("sub_category")
    return TicketChanges(
        present=frozenset(present), subject="changed", status=rng.choice(STATUSES),
        priority=rng.choice(PRIORITIES), type=rng.choice(TYPES) or "--",
        group=rng.choice(GROUPS) or "--", assignee_email=rng.choice(AGENTS) or "--",
        category=category or "--", subcategory=subcategory or "--")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 25))
def test_counts_follow_random_creates_and_updates(tenant: TenantFixture, seed: int,
                                                 steps: int) -> None:
    rng = random.Random(seed)
    with tenant.unit() as unit:
        existing = unit.session.scalar(select(func.count()).select_from(Ticket)) or 0
    for step in range(steps):
        with tenant.unit() as unit:
            if existing == 0 or rng.random() < 0.4:
                create_ticket(unit, a_draft(rng, step))
                existing += 1
            else:
                update_ticket(unit, rng.randint(1, existing), a_change(rng))
    assert kept(tenant) == recounted(tenant)


def test_a_failed_update_changes_no_count(tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        create_ticket(unit, NewTicket(contact_email="a@example.com", subject="one",
                                      status="Open", group="Sales"))
    before = kept(tenant)
    with tenant.unit() as unit, pytest.raises(BadRequest, match="Nope"):
        update_ticket(unit, 1, TicketChanges(present=frozenset({"group", "status"}),
                                             group="--", status="Nope"))
    assert kept(tenant) == before


def test_concurrent_creates_and_updates_lose_no_count(tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        for index in range(8):
            create_ticket(unit, NewTicket(contact_email=f"s{index}@example.com",
                                          subject="seed", status="Open"))

    def worker(thread: int) -> None:
        rng = random.Random(thread)
        for index in range(6):
            with tenant.unit() as unit:
                if index % 2:
                    update_ticket(unit, rng.randint(1, 8), a_change(rng))
                else:
                    create_ticket(unit, a_draft(rng, 100 * thread + index))

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(worker, range(6)))
    expected = recounted(tenant)
    assert expected[("all", 0)] == 8 + 6 * 3
    assert kept(tenant) == expected


def test_seeded_tickets_are_counted(tenant: TenantFixture) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=120, contacts=10,
                 batch_size=50, clock=tenant.clock)
    expected = recounted(tenant)
    assert expected[("all", 0)] == 120
    assert kept(tenant) == expected


def test_rebuild_counts_repairs_them(tenant: TenantFixture) -> None:
    seed_tickets(tenant.database, subdomain="acme", tickets=40, contacts=5,
                 clock=tenant.clock)
    expected = recounted(tenant)
    with tenant.unit() as unit:
        unit.session.execute(TicketCount.__table__.delete())
        unit.session.add(TicketCount(dimension="status", value=999, count=7))
        unit.commit()
    assert kept(tenant) == {("status", 999): 7}
    with tenant.unit() as unit:
        counters.rebuild_counts(unit.session)
        unit.commit()
    assert kept(tenant) == expected


def test_the_list_count_for_one_key_is_the_kept_count(
    client: TestClient, tenant: TenantFixture,
) -> None:
    rng = random.Random(7)
    with tenant.unit() as unit:
        for index in range(30):
            create_ticket(unit, a_draft(rng, index))
    with tenant.unit(write=False) as unit:
        unset_groups = unit.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.group_id.is_(None)))
        open_or_pending = unit.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status_id.in_([
                s.id for s in unit.catalog.statuses if s.name in ("Open", "Pending")])))
    cases = [
        ({}, 30),
        ({"group": ["--"]}, unset_groups),
        ({"status": ["open", "PENDING", "Nope"]}, open_or_pending),
        ({"status": ["Nope"]}, 0),
        ({"priority": ["--"]}, 0),
    ]
    for document, expected in cases:
        body = client.get("/apis/v3/tickets", params={"filters": json.dumps(document)}).json()
        assert body["count"] == expected, document
