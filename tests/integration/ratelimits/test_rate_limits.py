"""Per-key call limits, the ticket quota, failed-authentication limits and headers."""

from __future__ import annotations

import logging
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from supportdesk.api.deps import TenantDep, TicketQuotaDep
from supportdesk.app import create_app
from supportdesk.cli.core import proxy_options
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.ratelimit.buckets import Decision, Limit, Window
from supportdesk.ratelimit.plans import PER_MINUTE, Plan
from supportdesk.ratelimit.service import epoch_seconds
from supportdesk.ratelimit.stores import RedisStore, SqlStore
from supportdesk.seed.bulk import seed_tickets
from supportdesk.tenancy.service import issue_key
from tests.factories import TenantFixture, make_tenant
from tests.ratelimits import (
    LIMIT_HEADERS,
    REDIS_URL,
    calls_left,
    client_at,
    limits,
    tickets_left,
    too_many,
)


def test_exactly_the_limit_succeeds_with_headers_then_429(api: TestClient) -> None:
    # All in the window's first slot [09:00, 09:01), which leaves the hour at 10:01.
    for used in range(1, 101):
        response = api.get("/apis/v3/agents")
        assert response.status_code == 200
        assert limits(response) == calls_left(100 - used, 3660)
    refused = api.get("/apis/v3/agents")
    assert refused.status_code == 429
    assert refused.json() == too_many(
        "this API key has used its 100 calls per 3600 seconds (this call costs 1); retry in "
        "3660 seconds")
    assert limits(refused) == calls_left(0, 3660)
    assert refused.headers["retry-after"] == "3660"
    assert refused.headers["x-rate-limit-retry-after-seconds"] == "3660"


def test_honouring_retry_after_succeeds_and_the_hour_refills(
    api: TestClient, clock: FixedClock
) -> None:
    for _ in range(60):
        api.get("/apis/v3/agents")
    clock.advance(minutes=30)
    for _ in range(40):
        api.get("/apis/v3/agents")
    refused = api.get("/apis/v3/agents")
    # The 60 calls of 09:00 leave the hour at 10:01; the 40 of 09:30 still count then.
    assert (refused.headers["retry-after"], limits(refused)) == ("1860", calls_left(0, 3660))
    clock.advance(seconds=1859)
    assert api.get("/apis/v3/agents").status_code == 429
    clock.advance(seconds=1)
    assert [api.get("/apis/v3/agents").status_code for _ in range(61)] == [200] * 60 + [429]
    # A window and a slot later, nothing of the first two hours counts.
    clock.advance(seconds=3660)
    response = api.get("/apis/v3/agents")
    assert (response.status_code, limits(response)) == (200, calls_left(99, 3660))


def test_ping_is_free_and_carries_no_headers(api: TestClient) -> None:
    for _ in range(3):
        ping = api.get("/apis/v3/ping")
        assert ping.status_code == 200
        assert limits(ping) == dict.fromkeys(LIMIT_HEADERS)
    assert limits(api.get("/apis/v3/agents")) == calls_left(99, 3660)


def test_a_search_costs_five_calls(api: TestClient, clock: FixedClock) -> None:
    search = {"search_query": '{"query": "printer"}'}
    found = api.get("/apis/v3/tickets/search", params=search)
    assert (found.status_code, found.json()["count"]) == (200, 0)
    assert limits(found) == calls_left(95, 3660)
    clock.advance(seconds=120)
    for _ in range(91):
        api.get("/apis/v3/agents")
    refused = api.get("/apis/v3/tickets/search", params=search)
    assert refused.status_code == 429
    # 5 calls fit again when the search's slot (09:00) leaves the hour at 10:01.
    assert refused.json() == too_many(
        "this API key has used its 100 calls per 3600 seconds (this call costs 5); retry in "
        "3540 seconds")
    assert limits(refused) == calls_left(4, 3660)
    # The 4 calls left still serve plain calls.
    assert api.get("/apis/v3/agents").status_code == 200
    clock.advance(seconds=3539)
    assert api.get("/apis/v3/tickets/search", params=search).status_code == 429
    clock.advance(seconds=1)
    assert limits(api.get("/apis/v3/tickets/search", params=search)) == calls_left(3, 3660)


def test_legacy_paths_cost_what_their_v3_operation_costs(api: TestClient) -> None:
    assert limits(api.get("/apis/v2/ping")) == dict.fromkeys(LIMIT_HEADERS)
    assert limits(api.get("/apis/ping")) == dict.fromkeys(LIMIT_HEADERS)
    assert limits(api.get("/apis/v2/agents")) == calls_left(99, 3660)
    assert limits(api.get("/apis/agents")) == calls_left(98, 3660)


def test_errors_after_the_limiter_ran_carry_the_headers(api: TestClient) -> None:
    bad = api.get("/apis/v3/tickets", params={"ticket_count": "31"})
    assert bad.status_code == 400
    assert limits(bad) == calls_left(99, 3660)
    missing = api.get("/apis/v3/tickets/details", params={"ticket_number": "999"})
    assert missing.status_code == 404
    assert limits(missing) == calls_left(98, 3660)


@pytest.fixture
def failing_app(database: Database, settings: Settings, clock: FixedClock) -> FastAPI:
    """The application plus two throwaway routes that fail after the limiter ran."""
    app = create_app(settings, database=database, clock=clock)

    @app.get("/apis/v3/test_failure")
    def fail_after_charging(_tenant: TenantDep) -> None:
        raise RuntimeError("a bug after the call was charged")

    @app.get("/apis/v3/test_failure_after_page")
    def fail_after_the_quota(quota: TicketQuotaDep) -> None:
        quota.charge(30)
        raise RuntimeError("a bug after the page was charged")

    return app


def test_a_500_after_the_limiter_ran_carries_the_headers(
    failing_app: FastAPI, limited: TenantFixture
) -> None:
    with TestClient(failing_app, base_url="http://acme.localhost",
                    raise_server_exceptions=False) as http:
        http.headers["Authorization"] = limited.key
        crashed = http.get("/apis/v3/test_failure")
        assert (crashed.status_code, crashed.json()) == (500, {
            "status": 500, "error": "Internal Server Error",
            "message": "Application failed to process the request"})
        assert limits(crashed) == calls_left(99, 3660)
        assert tickets_left(crashed) == (None, None, None)
        after_page = http.get("/apis/v3/test_failure_after_page")
        assert after_page.status_code == 500
        assert limits(after_page) == calls_left(98, 3660)
        assert tickets_left(after_page) == ("10000", "9970", "3660")


def test_keys_have_separate_buckets(api: TestClient, limited: TenantFixture) -> None:
    with limited.database.session(write=True) as session:
        other = issue_key(session, tenant_id=limited.tenant_id, label="second").secret
        session.commit()
    for _ in range(100):
        api.get("/apis/v3/agents")
    assert api.get("/apis/v3/agents").status_code == 429
    response = api.get("/apis/v3/agents", headers={"Authorization": other})
    assert (response.status_code, limits(response)) == (200, calls_left(99, 3660))


def test_an_unlimited_tenant_sends_no_headers(client: TestClient) -> None:
    for _ in range(150):
        response = client.get("/apis/v3/agents")
        assert response.status_code == 200
    assert limits(response) == dict.fromkeys(LIMIT_HEADERS)


def test_the_per_minute_plan(database: Database, settings: Settings, clock: FixedClock,
                             app_client: TestClient) -> None:
    tenant = make_tenant(database, settings, clock, subdomain="acme", limits=PER_MINUTE)
    app_client.headers["Authorization"] = tenant.key
    for _ in range(50):
        assert app_client.get("/apis/v3/agents").status_code == 200
    refused = app_client.get("/apis/v3/agents")
    assert refused.status_code == 429
    # One-second slots: calls in second 09:00:00 count through 09:01:00.
    assert refused.headers["retry-after"] == "61"
    assert limits(refused) == calls_left(0, 61, limit=50)
    clock.advance(seconds=60)
    assert app_client.get("/apis/v3/agents").status_code == 429
    clock.advance(seconds=1)
    assert app_client.get("/apis/v3/agents").status_code == 200


def test_the_admin_api_is_not_limited(api: TestClient) -> None:
    for _ in range(100):
        api.get("/apis/v3/agents")
    response = api.get("/apis/admin/rate_limits")
    assert response.status_code == 200
    assert limits(response) == dict.fromkeys(LIMIT_HEADERS)


# Ticket quota ------------------------------------------------------------------------


@pytest.fixture
def quota_api(database: Database, settings: Settings, clock: FixedClock,
              app_client: TestClient) -> TestClient:
    """acme with 300 tickets, 1000 calls an hour and 250 tickets an hour."""
    tenant = make_tenant(database, settings, clock, subdomain="acme",
                         limits=Plan(calls=1000, window_seconds=3600, tickets_per_hour=250,
                                     search_cost=5))
    seed_tickets(database, subdomain="acme", tickets=300, conversation_share=0.0, clock=clock)
    app_client.headers["Authorization"] = tenant.key
    return app_client


def test_the_ticket_quota_across_pages_of_100_50_30(quota_api: TestClient,
                                                    clock: FixedClock) -> None:
    received = 0
    offset = 0
    # 100 tickets at 09:00, 50 at 09:01, 90 at 09:02.
    for advance, size, left in ((0, 100, 150), (60, 50, 100), (60, 30, 70), (0, 30, 40),
                                (0, 30, 10)):
        clock.advance(seconds=advance)
        page = quota_api.get("/apis/v3/tickets", params={"ticket_count": str(size),
                                                         "offset": str(offset)})
        assert page.status_code == 200
        assert len(page.json()["tickets"]) == size
        received += size
        offset += size
        assert tickets_left(page) == ("250", str(left), "3660")
    crossing = quota_api.get("/apis/v3/tickets", params={"ticket_count": "30",
                                                         "offset": str(offset)})
    assert crossing.status_code == 429
    # The page fits when the 100 of 09:00 leave the hour, at 10:01.
    assert crossing.json() == too_many(
        "this page holds 30 tickets but this API key may receive only 10 more this hour "
        "(its allowance is 250 tickets per hour); retry in 3540 seconds")
    assert crossing.headers["retry-after"] == "3540"
    assert tickets_left(crossing) == ("250", "10", "3660")
    assert limits(crossing)["x-rate-limit-remaining"] == "994"  # the call itself counted
    assert received == 240
    # A last page that fits is served; a page past the end costs nothing.
    tail = quota_api.get("/apis/v3/tickets", params={"ticket_count": "30", "offset": "295"})
    assert (tail.status_code, len(tail.json()["tickets"])) == (200, 5)
    assert tickets_left(tail) == ("250", "5", "3660")
    empty = quota_api.get("/apis/v3/tickets", params={"offset": "400"})
    assert (empty.status_code, empty.json()["tickets"]) == (200, [])
    clock.advance(seconds=3539)
    assert quota_api.get("/apis/v3/tickets", params={"offset": "240"}).status_code == 429
    clock.advance(seconds=1)
    resumed = quota_api.get("/apis/v3/tickets", params={"offset": "240"})
    assert (resumed.status_code, len(resumed.json()["tickets"])) == (200, 30)
    # 50 + 90 + 5 of the last hour, and these 30.
    assert tickets_left(resumed) == ("250", "75", "3660")


@pytest.fixture
def paging_api(database: Database, settings: Settings, clock: FixedClock,
               app_client: TestClient) -> TestClient:
    """acme with 100 tickets, the Standard ticket allowance and calls to spare."""
    tenant = make_tenant(database, settings, clock, subdomain="acme",
                         limits=Plan(calls=100_000, window_seconds=3600,
                                     tickets_per_hour=10_000, search_cost=5))
    seed_tickets(database, subdomain="acme", tickets=100, conversation_share=0.0, clock=clock)
    app_client.headers["Authorization"] = tenant.key
    return app_client


def test_paging_across_hours_never_receives_more_than_the_hourly_allowance(
    paging_api: TestClient, clock: FixedClock
) -> None:
    """Drain the 10,000 at once, then keep asking for a page of 100 every 25 s for
    three hours. A token bucket would hand out the 10,000 plus its steady refill
    (about 20,000 in the first hour); the window never more than 10,000 in any
    3,600 seconds."""
    received: list[tuple[int, int]] = []  # (seconds since start, tickets)
    elapsed = 0
    page = {"ticket_count": "100"}
    for _ in range(100):
        response = paging_api.get("/apis/v3/tickets", params=page)
        received.append((elapsed, len(response.json()["tickets"])))
    refused = paging_api.get("/apis/v3/tickets", params=page)
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "3660")
    statuses = []
    while elapsed < 3 * 3600:
        clock.advance(seconds=25)
        elapsed += 25
        response = paging_api.get("/apis/v3/tickets", params=page)
        statuses.append(response.status_code)
        if response.status_code == 200:
            received.append((elapsed, len(response.json()["tickets"])))
    for start, _ in received:
        assert sum(count for at, count in received if start <= at <= start + 3600) <= 10_000
    # Served again from 10:01, when the burst's slot leaves; then 100 pages in a row.
    served_at = [at for at, _ in received]
    assert served_at[100:102] == [3675, 3700]
    assert served_at[199] == 3675 + 99 * 25
    assert sum(count for _, count in received) == 30_000
    assert statuses.count(200) == 200


# Failed authentication per address ------------------------------------------------------


def test_failed_keys_are_limited_per_address(guarded: tuple[ASGIApp, TenantFixture],
                                             clock: FixedClock) -> None:
    app, tenant = guarded
    with client_at(app, "203.0.113.9") as attacker, client_at(app, "198.51.100.7") as owner:
        for _ in range(5):
            assert attacker.get("/apis/v3/agents",
                                headers={"Authorization": "sd_guess"}).status_code == 401
        blocked = attacker.get("/apis/v3/agents", headers={"Authorization": "sd_guess"})
        assert blocked.status_code == 429
        assert blocked.json() == too_many(
            "too many failed authentication attempts from your address; retry in 61 "
            "seconds")
        assert blocked.headers["retry-after"] == "61"
        assert limits(blocked) == calls_left(0, 61, limit=5)
        # The blocked address is refused before its key is looked at, even a valid one...
        assert attacker.get("/apis/v3/agents",
                            headers={"Authorization": tenant.key}).status_code == 429
        # ...while the key keeps working everywhere else.
        assert owner.get("/apis/v3/agents",
                         headers={"Authorization": tenant.key}).status_code == 200
        # A missing key is not a guess and is not counted.
        assert attacker.get("/apis/v3/agents").status_code == 401
        clock.advance(seconds=60)
        assert attacker.get("/apis/v3/agents",
                            headers={"Authorization": tenant.key}).status_code == 429
        clock.advance(seconds=1)
        assert attacker.get("/apis/v3/agents",
                            headers={"Authorization": tenant.key}).status_code == 200


def behind_proxy(app: ASGIApp, settings: Settings) -> ASGIApp:
    """``app`` as ``supportdesk serve`` runs it under uvicorn: its proxy-header layer
    with the options ``serve`` passes (uvicorn adds it when ``proxy_headers``)."""
    options = proxy_options(settings)
    if not options["proxy_headers"]:
        return app
    return ProxyHeadersMiddleware(app, trusted_hosts=options["forwarded_allow_ips"])


@pytest.mark.parametrize("trusted", ["10.0.0.0/8", ""])
def test_behind_a_trusted_proxy_failed_keys_are_limited_per_forwarded_client(
    guarded: tuple[ASGIApp, TenantFixture], settings: Settings, trusted: str
) -> None:
    app, tenant = guarded
    served = behind_proxy(app, settings.model_copy(update={"forwarded_allow_ips": trusted}))
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    owner = {"X-Forwarded-For": "198.51.100.7", "Authorization": tenant.key}
    with client_at(served, "10.0.0.2") as proxy:  # every request comes through the proxy
        for _ in range(5):
            assert proxy.get("/apis/v3/agents",
                             headers={**attacker, "Authorization": "sd_guess"}).status_code == 401
        blocked = proxy.get("/apis/v3/agents", headers={**attacker, "Authorization": tenant.key})
        assert blocked.status_code == 429
        after = proxy.get("/apis/v3/agents", headers=owner).status_code
    if trusted:
        assert after == 200  # the owner behind the same proxy is another client
    else:
        assert after == 429  # untrusted: everyone behind the proxy is one address


def test_an_untrusted_peers_forwarded_header_is_ignored(
    guarded: tuple[ASGIApp, TenantFixture], settings: Settings
) -> None:
    app, tenant = guarded
    served = behind_proxy(app, settings.model_copy(update={"forwarded_allow_ips": "10.0.0.0/8"}))
    with client_at(served, "192.0.2.50") as direct:
        # Claiming a new address on each guess does not escape the limit.
        for guess in range(5):
            forwarded = {"X-Forwarded-For": f"198.51.100.{guess}", "Authorization": "sd_guess"}
            assert direct.get("/apis/v3/agents", headers=forwarded).status_code == 401
        assert direct.get("/apis/v3/agents", headers={
            "X-Forwarded-For": "198.51.100.99", "Authorization": tenant.key}).status_code == 429


# Plan changes and the fail modes ---------------------------------------------------


def test_a_plan_change_applies_at_once_in_this_process(api: TestClient) -> None:
    for _ in range(100):
        api.get("/apis/v3/agents")
    assert api.get("/apis/v3/agents").status_code == 429
    changed = api.put("/apis/admin/rate_limits", json={"unlimited": True})
    assert changed.status_code == 200
    response = api.get("/apis/v3/agents")
    assert (response.status_code, limits(response)) == (200, dict.fromkeys(LIMIT_HEADERS))
    # Back on limits under a plan of another window: that window has its own counter.
    api.put("/apis/admin/rate_limits", json={"plan": "per_minute"})
    assert limits(api.get("/apis/v3/agents")) == calls_left(49, 61, limit=50)


class BrokenStore:
    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        raise ConnectionError("counter store unreachable")

    def look(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        raise ConnectionError("counter store unreachable")

    def reset(self, names: list[str]) -> None:
        raise ConnectionError("counter store unreachable")

    def close(self) -> None:
        pass


def test_failing_open_serves_without_headers_and_logs(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.app.state.rate_limiter.store = BrokenStore()  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="supportdesk.ratelimit"):
        response = api.get("/apis/v3/agents")
    assert (response.status_code, limits(response)) == (200, dict.fromkeys(LIMIT_HEADERS))
    assert "failing open" in caplog.records[0].getMessage()


def test_failing_closed_refuses_with_503(api: TestClient) -> None:
    limiter = api.app.state.rate_limiter  # type: ignore[attr-defined]
    limiter.store = BrokenStore()
    limiter.fail_open = False
    response = api.get("/apis/v3/agents")
    assert response.status_code == 503
    assert response.json() == {
        "status": 503, "error": "Service Unavailable",
        "message": "the service cannot check rate limits right now; try again shortly"}
    assert response.headers["retry-after"] == "5"


# The shared stores -------------------------------------------------------------------


def test_the_redis_store_limits_exactly(database: Database, settings: Settings,
                                        clock: FixedClock, limited: TenantFixture) -> None:
    prefix = f"sdtest:{uuid.uuid4().hex}:"
    with_redis = settings.model_copy(update={"redis_url": REDIS_URL,
                                             "rate_limit_prefix": prefix})
    app = create_app(with_redis, database=database, clock=clock)
    store = app.state.rate_limiter.store
    assert isinstance(store, RedisStore)
    try:
        with TestClient(app, base_url="http://acme.localhost") as http:
            http.headers["Authorization"] = limited.key
            statuses = [http.get("/apis/v3/agents").status_code for _ in range(101)]
            assert statuses == [200] * 100 + [429]
            keys = list(store.client.scan_iter(match=prefix + "*"))
            assert keys == [f"{prefix}calls:{limited.tenant_id}:1:3600s".encode()]
            assert all(store.client.pttl(key) > 0 for key in keys)
    finally:
        store.clear()
        store.close()


def test_the_database_store_on_postgresql(database: Database, settings: Settings,
                                          clock: FixedClock, limited: TenantFixture) -> None:
    if database.dialect != "postgresql":
        pytest.skip("the database store is for PostgreSQL")
    prefix = f"sdtest:{uuid.uuid4().hex}:"
    shared = settings.model_copy(update={"rate_limit_store": "database",
                                         "rate_limit_prefix": prefix})
    app = create_app(shared, database=database, clock=clock)
    store = app.state.rate_limiter.store
    assert isinstance(store, SqlStore)
    try:
        with TestClient(app, base_url="http://acme.localhost") as http:
            http.headers["Authorization"] = limited.key
            statuses = [http.get("/apis/v3/agents").status_code for _ in range(101)]
            assert statuses == [200] * 100 + [429]
        start = epoch_seconds(clock.now())
        assert store.window(f"calls:{limited.tenant_id}:1:3600s") == Window(
            slots=((start // 60, 100),), updated_at=start, signature="3600s")
    finally:
        store.clear()
