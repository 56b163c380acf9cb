"""Admission, whichever layer asks first: retries, guesses, plan changes, bodies.

Each case here was a way around the limits: a replayed answer that skipped
them, a refusal remembered past its ``Retry-After``, concurrent guesses all
judged before the first was counted, two workers with different plans
erasing each other's counts, a body that failed to parse before the key was
checked.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.types import ASGIApp

from supportdesk.api.admission import admit
from supportdesk.app import create_app
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.errors import RateLimited, Unauthorized
from supportdesk.ratelimit.buckets import Decision, Limit
from supportdesk.ratelimit.limiter import RateLimiter
from supportdesk.ratelimit.plans import Plan
from supportdesk.seed.bulk import seed_tickets
from supportdesk.tenancy.service import issue_key
from supportdesk.tickets.models import Ticket
from tests.factories import TenantFixture, make_tenant
from tests.ratelimits import (
    LIMIT_HEADERS,
    calls_left,
    client_at,
    limits,
    tickets_left,
    too_many,
)

TICKET = {"email": "pat@example.com", "subject": "Printer on fire",
          "description": "<p>Smoke</p>"}
BLOCKED = ("too many failed authentication attempts from your address; retry in 61 "
           "seconds")


def _tickets(tenant: TenantFixture) -> int:
    with tenant.unit(write=False) as unit:
        return int(unit.session.scalar(select(func.count()).select_from(Ticket)) or 0)


def _create(client: TestClient, idempotency_key: str, **headers: str) -> Any:
    return client.post("/apis/v3/tickets/create", json=TICKET,
                       headers={"Idempotency-Key": idempotency_key, **headers})


# Idempotent retries ----------------------------------------------------------------


def test_a_replay_is_a_call_it_is_charged_and_carries_the_headers(
    api: TestClient, limited: TenantFixture
) -> None:
    first = _create(api, "create-1")
    assert (first.status_code, limits(first)) == (200, calls_left(99, 3660))
    replay = _create(api, "create-1")
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    assert limits(replay) == calls_left(98, 3660)
    assert _tickets(limited) == 1


def test_a_refused_call_is_not_remembered_and_honouring_retry_after_succeeds(
    api: TestClient, limited: TenantFixture, clock: FixedClock
) -> None:
    for _ in range(100):
        api.get("/apis/v3/agents")
    refused = _create(api, "create-1")
    assert refused.status_code == 429
    assert refused.json() == too_many(
        "this API key has used its 100 calls per 3600 seconds (this call costs 1); retry in "
        "3660 seconds")
    assert (refused.headers["retry-after"], limits(refused)) == ("3660", calls_left(0, 3660))
    assert "idempotent-replayed" not in refused.headers
    clock.advance(seconds=3660)
    retried = _create(api, "create-1")
    assert retried.status_code == 200
    assert "idempotent-replayed" not in retried.headers
    assert retried.json()["ticket_number"] == 1
    assert limits(retried) == calls_left(99, 3660)
    assert _tickets(limited) == 1


def test_a_refused_admin_post_is_not_remembered(
    api: TestClient, limited: TenantFixture
) -> None:
    """A 403 (not an admin key) is a refusal too: it is answered afresh each time."""
    with limited.database.session(write=True) as session:
        plain = issue_key(session, tenant_id=limited.tenant_id, label="plain").secret
        session.commit()
    headers = {"Authorization": plain, "Idempotency-Key": "g1"}
    answers = [api.post("/apis/admin/groups", json={"name": "Billing"}, headers=headers)
               for _ in range(2)]
    assert [(a.status_code, a.headers.get("idempotent-replayed")) for a in answers] == [
        (403, None), (403, None)]


# Failed authentication ----------------------------------------------------------------


def test_a_blocked_address_learns_nothing_from_idempotent_retries(
    guarded: tuple[ASGIApp, TenantFixture], clock: FixedClock
) -> None:
    app, tenant = guarded
    with client_at(app, "203.0.113.9") as attacker:
        for _ in range(5):
            assert _create(attacker, "probe", Authorization="sd_guess").status_code == 401
        # Blocked: a wrong key and the right one get the same refusal, twice each.
        answers = [_create(attacker, "probe", Authorization=key)
                   for key in ("sd_guess", tenant.key, "sd_guess", tenant.key)]
        assert [(a.status_code, a.json()) for a in answers] == [(429, too_many(BLOCKED))] * 4
        assert [a.headers.get("idempotent-replayed") for a in answers] == [None] * 4
        assert _tickets(tenant) == 0
        clock.advance(seconds=61)
        served = _create(attacker, "probe", Authorization=tenant.key)
        assert (served.status_code, served.json()["ticket_number"]) == (200, 1)
        assert "idempotent-replayed" not in served.headers


class RacedLimiter(RateLimiter):
    """A limiter whose look always finds room, as it does for guesses that
    arrive together: every one of them looks before the first failure is counted."""

    def check(self, name: str, limit: Limit, cost: int, now: int) -> Decision | None:
        return None


def test_concurrent_guesses_are_refused_once_the_failures_are_counted(
    database: Database, settings: Settings, clock: FixedClock, limited: TenantFixture
) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_auth_failures": 5,
                                                  "rate_limit_auth_window": 60}),
                     database=database, clock=clock)
    real: RateLimiter = app.state.rate_limiter
    raced = RacedLimiter(real.store, address_limit=real.address_limit)
    outcomes = []
    for _ in range(8):
        state: dict[str, Any] = {}
        try:
            admit(state, database=database, settings=settings, clock=clock, limiter=raced,
                  host="acme.localhost", authorization="sd_guess", address="203.0.113.9",
                  path="/apis/v3/agents")
        except RateLimited as refused:
            outcomes.append((429, refused.message, state["rate_limit"].remaining))
        except Unauthorized:
            outcomes.append((401, "", None))
    # Five failures are judged (401); the take that finds the window full answers 429.
    assert outcomes == [(401, "", None)] * 5 + [(429, BLOCKED, 0)] * 3


# Plan changes between workers --------------------------------------------------------


def test_two_workers_with_different_plans_never_erase_each_others_counts(
    database: Database, settings: Settings, clock: FixedClock, limited: TenantFixture
) -> None:
    """Worker A still has the Standard plan cached when worker B changes it."""
    worker_a = create_app(settings, database=database, clock=clock)
    worker_b = create_app(settings, database=database, clock=clock)
    headers = {"Authorization": limited.key}
    with TestClient(worker_a, base_url="http://acme.localhost", headers=headers) as a, \
            TestClient(worker_b, base_url="http://acme.localhost", headers=headers) as b:
        assert [a.get("/apis/v3/agents").status_code for _ in range(100)] == [200] * 100
        # More calls in the same hour: the counts stay and the new limit applies.
        assert b.put("/apis/admin/rate_limits", json={"calls": 200}).status_code == 200
        answers = []
        for _ in range(3):
            for worker in (a, b):
                response = worker.get("/apis/v3/agents")
                answers.append((response.status_code, limits(response)))
        assert answers == [
            (429, calls_left(0, 3660)), (200, calls_left(99, 3660, limit=200)),
            (429, calls_left(0, 3660)), (200, calls_left(98, 3660, limit=200)),
            (429, calls_left(0, 3660)), (200, calls_left(97, 3660, limit=200)),
        ]
        # Another window is another counter: B's minutes start empty, A's hour stays spent.
        assert b.put("/apis/admin/rate_limits", json={"plan": "per_minute"}).status_code == 200
        minute = b.get("/apis/v3/agents")
        assert (minute.status_code, limits(minute)) == (200, calls_left(49, 61, limit=50))
        assert a.get("/apis/v3/agents").status_code == 429


# Bodies that fail before the route's dependencies ------------------------------------


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"])
def test_a_body_that_does_not_parse_is_judged_after_the_key(
    api: TestClient, body: bytes
) -> None:
    path = "/apis/v3/tickets/create"
    json_headers = {"Content-Type": "application/json"}
    anonymous = api.post(path, content=body, headers={**json_headers, "Authorization": "x"})
    assert anonymous.status_code == 401
    assert limits(anonymous) == dict.fromkeys(LIMIT_HEADERS)
    charged = api.post(path, content=body, headers=json_headers)
    assert charged.status_code == 400
    assert limits(charged) == calls_left(99, 3660)
    for _ in range(99):
        api.get("/apis/v3/agents")
    spent = api.post(path, content=body, headers=json_headers)
    assert spent.status_code == 429
    assert limits(spent) == calls_left(0, 3660)


# The ticket quota --------------------------------------------------------------------


def test_a_page_of_50_that_would_cross_the_allowance_is_refused_whole(
    database: Database, settings: Settings, clock: FixedClock, app_client: TestClient
) -> None:
    tenant = make_tenant(database, settings, clock, subdomain="acme",
                         limits=Plan(calls=1000, window_seconds=3600, tickets_per_hour=250,
                                     search_cost=5))
    seed_tickets(database, subdomain="acme", tickets=300, conversation_share=0.0, clock=clock)
    app_client.headers["Authorization"] = tenant.key
    for size, offset in ((100, 0), (100, 100), (30, 200)):
        page = app_client.get("/apis/v3/tickets", params={"ticket_count": str(size),
                                                          "offset": str(offset)})
        assert (page.status_code, len(page.json()["tickets"])) == (200, size)
    crossing = app_client.get("/apis/v3/tickets", params={"ticket_count": "50",
                                                          "offset": "230"})
    assert crossing.status_code == 429
    assert crossing.json() == too_many(
        "this page holds 50 tickets but this API key may receive only 20 more this hour "
        "(its allowance is 250 tickets per hour); retry in 3660 seconds")
    assert tickets_left(crossing) == ("250", "20", "3660")
