"""Search past 1,000 hits, and what a search page costs from the hourly ticket quota.

The live service stops at 1,000 reachable results; supportdesk counts and
pages every match. Every seeded contact's address ends in ``.example`` (see
``seed.vocabulary``), so a search of contacts for ``example`` matches every
seeded ticket.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.ratelimit.plans import Plan
from supportdesk.seed.bulk import seed_tickets
from tests.factories import TenantFixture, make_tenant

SEEDED = 1_050
EVERY_CONTACT = '{"query": "example", "search_in": [6]}'
OLDEST_FIRST = {"search_query": EVERY_CONTACT, "order_by": "created_time",
                "order_type": "asc"}
QUOTA_HEADERS = ("x-ratelimit-tickets-limit", "x-ratelimit-tickets-remaining",
                 "x-ratelimit-tickets-reset")


def search(client: TestClient, **params: str) -> Any:
    response = client.get("/apis/v3/tickets/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def many(client: TestClient, tenant: TenantFixture) -> TestClient:
    """acme with 1,050 seeded tickets, numbered 1 to 1,050 in creation order."""
    report = seed_tickets(tenant.database, subdomain="acme", tickets=SEEDED,
                          conversation_share=0.0, clock=tenant.clock)
    assert (report.first_number, report.last_number) == (1, SEEDED)
    return client


def test_count_and_paging_are_exact_past_1000_hits(many: TestClient) -> None:
    first = search(many, **OLDEST_FIRST, ticket_count="100")
    assert (first["count"], len(first["tickets"])) == (SEEDED, 100)
    assert [t["ticket_number"] for t in first["tickets"]] == list(range(1, 101))

    before_last = search(many, **OLDEST_FIRST, ticket_count="100", offset="900")
    assert [t["ticket_number"] for t in before_last["tickets"]] == list(range(901, 1001))
    assert before_last["next_page"] == (
        "http://acme.localhost/apis/v3/tickets/search?search_query=%7B%22query%22%3A+"
        "%22example%22%2C+%22search_in%22%3A+%5B6%5D%7D&order_by=created_time&"
        "order_type=asc&ticket_count=100&offset=1000")

    last = many.get(before_last["next_page"]).json()
    assert list(last) == ["count", "tickets"]  # no next_page on the last page
    assert last["count"] == SEEDED
    assert [t["ticket_number"] for t in last["tickets"]] == list(range(1001, 1051))

    thirty = search(many, **OLDEST_FIRST, offset="1000")
    assert list(thirty) == ["count", "tickets", "next_page"]
    assert [t["ticket_number"] for t in thirty["tickets"]] == list(range(1001, 1031))
    newest_first = search(many, search_query=EVERY_CONTACT, order_by="created_time",
                          offset="1020")
    assert [t["ticket_number"] for t in newest_first["tickets"]] == list(range(30, 0, -1))
    assert "next_page" not in newest_first
    past_the_end = search(many, **OLDEST_FIRST, offset="1050")
    assert past_the_end == {"count": SEEDED, "tickets": []}


# --- the hourly ticket quota --------------------------------------------------------------


@pytest.fixture
def quota_api(database: Database, settings: Settings, clock: FixedClock,
              app_client: TestClient) -> TestClient:
    """acme with 300 tickets, plenty of calls and 150 tickets an hour."""
    tenant = make_tenant(database, settings, clock, subdomain="acme",
                         limits=Plan(calls=1000, window_seconds=3600, tickets_per_hour=150,
                                     search_cost=5))
    seed_tickets(database, subdomain="acme", tickets=300, conversation_share=0.0, clock=clock)
    app_client.headers["Authorization"] = tenant.key
    return app_client


def test_a_search_page_is_charged_to_the_ticket_quota(quota_api: TestClient) -> None:
    # Only what holds for any rate-limit algorithm with the clock standing still: a
    # page that fits is served and counted, one that does not is refused whole.
    fits = quota_api.get("/apis/v3/tickets/search",
                         params={"search_query": EVERY_CONTACT, "ticket_count": "100"})
    assert (fits.status_code, len(fits.json()["tickets"])) == (200, 100)
    assert {name: fits.headers.get(name) for name in QUOTA_HEADERS[:2]} == {
        "x-ratelimit-tickets-limit": "150", "x-ratelimit-tickets-remaining": "50"}
    assert fits.headers[QUOTA_HEADERS[2]].isdigit()

    too_big = quota_api.get("/apis/v3/tickets/search",
                            params={"search_query": EVERY_CONTACT, "ticket_count": "100",
                                    "offset": "100"})
    assert too_big.status_code == 429
    assert (set(too_big.json()), too_big.json()["status"], too_big.json()["error"]) == (
        {"status", "error", "message"}, 429, "Too Many Requests")
    assert too_big.headers["retry-after"].isdigit()

    # The refused page took nothing: 30 of the 50 left still fit.
    smaller = quota_api.get("/apis/v3/tickets/search",
                            params={"search_query": EVERY_CONTACT, "offset": "100"})
    assert (smaller.status_code, len(smaller.json()["tickets"])) == (200, 30)
    assert {name: smaller.headers.get(name) for name in QUOTA_HEADERS[:2]} == {
        "x-ratelimit-tickets-limit": "150", "x-ratelimit-tickets-remaining": "20"}
    # A legacy search is the same operation, charged the same way: its fixed page of
    # 30 does not fit in the 20 left.
    legacy = quota_api.get("/apis/v2/tickets/search",
                           params={"search_query": EVERY_CONTACT, "offset": "130"})
    assert (legacy.status_code, legacy.json()["status"]) == (429, 429)
    # ... and it cost the calls a search costs (5), as on v3.
    assert int(smaller.headers["x-rate-limit-remaining"]) - \
        int(legacy.headers["x-rate-limit-remaining"]) == 5
