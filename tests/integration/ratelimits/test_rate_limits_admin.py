"""Operators' side of rate limits: plans and key usage, through the admin API and CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app
from supportdesk.config import get_settings
from supportdesk.db.session import Database
from supportdesk.ratelimit.limiter import RateLimiter
from supportdesk.ratelimit.plans import STANDARD
from supportdesk.ratelimit.service import address_bucket, calls_bucket
from supportdesk.tenancy.service import issue_key
from tests.factories import TenantFixture, bad_request, not_found

UNLIMITED_PLAN = {"plan": "unlimited", "unlimited": True, "calls": 100,
                  "window_seconds": 3600, "tickets_per_hour": 10000, "search_cost": 5}


def forbidden() -> dict[str, Any]:
    return {"status": 403, "error": "Forbidden",
            "message": "this operation needs an administrator API key "
                       "(supportdesk apikey create --admin)"}


def test_get_and_put_the_plan(client: TestClient) -> None:
    assert client.get("/apis/admin/rate_limits").json() == UNLIMITED_PLAN
    per_minute = client.put("/apis/admin/rate_limits", json={"plan": "per_minute"})
    assert (per_minute.status_code, per_minute.json()) == (200, {
        "plan": "per_minute", "unlimited": False, "calls": 50, "window_seconds": 60,
        "tickets_per_hour": 10000, "search_cost": 5})
    custom = client.put("/apis/admin/rate_limits", json={"calls": 200, "search_cost": 10})
    assert custom.json() == {"plan": "custom", "unlimited": False, "calls": 200,
                             "window_seconds": 60, "tickets_per_hour": 10000,
                             "search_cost": 10}
    standard = client.put("/apis/admin/rate_limits", json={"plan": "standard"})
    assert standard.json()["plan"] == "standard"
    assert client.get("/apis/admin/rate_limits").json() == standard.json()


@pytest.mark.parametrize(("body", "message"), [
    ({"calls": 0}, "calls: Input should be greater than or equal to 1"),
    ({"tickets_per_hour": 99}, "tickets_per_hour: Input should be greater than or equal to "
                               "100"),
    ({"window_seconds": 86401}, "window_seconds: Input should be less than or equal to "
                                "86400"),
    ({"calls": 10, "search_cost": 11}, "search_cost must be a whole number from 1 to 10, "
                                       "got 11"),
    ({"plan": "gold"}, "plan: Input should be 'standard' or 'per_minute'"),
    ({"unlimited": "yes"}, "unlimited: Input should be a valid boolean"),
    ({"burst": 5}, "burst is not a known field"),
])
def test_bad_plans_are_400(client: TestClient, body: dict[str, Any], message: str) -> None:
    response = client.put("/apis/admin/rate_limits", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))
    assert client.get("/apis/admin/rate_limits").json() == UNLIMITED_PLAN


def test_admin_routes_need_an_admin_key(app_client: TestClient, tenant: TenantFixture) -> None:
    with tenant.database.session(write=True) as session:
        plain = issue_key(session, tenant_id=tenant.tenant_id, label="plain").secret
        session.commit()
    app_client.headers["Authorization"] = plain
    for method, url in (("get", "/apis/admin/rate_limits"), ("put", "/apis/admin/rate_limits"),
                        ("get", "/apis/admin/rate_limits/usage"),
                        ("get", "/apis/admin/rate_limits/usage/1"),
                        ("post", "/apis/admin/rate_limits/usage/1/reset")):
        response = app_client.request(method, url, json={})
        assert (response.status_code, response.json()) == (403, forbidden()), url


def usage(key_id: int, prefix: str, label: str, calls_left: int, calls_reset: int,
          tickets_left: int = 10000, tickets_reset: int = 0) -> dict[str, Any]:
    return {
        "id": key_id, "prefix": prefix, "label": label, "plan": "standard",
        "unlimited": False,
        "calls": {"limit": 100, "window_seconds": 3600, "remaining": calls_left,
                  "reset_seconds": calls_reset},
        "tickets": {"limit": 10000, "window_seconds": 3600, "remaining": tickets_left,
                    "reset_seconds": tickets_reset},
    }


def test_usage_shows_and_reset_refills(app_client: TestClient, limited: TenantFixture,
                                       other_tenant: TenantFixture) -> None:
    with limited.database.session(write=True) as session:
        second = issue_key(session, tenant_id=limited.tenant_id, label="second")
        session.commit()
    app_client.headers["Authorization"] = limited.key
    for _ in range(3):
        app_client.get("/apis/v3/tickets")
    first_prefix = limited.key[:9]
    listed = app_client.get("/apis/admin/rate_limits/usage")
    assert (listed.status_code, listed.json()) == (200, {"count": 2, "usage": [
        usage(1, first_prefix, "first key", 97, 3660),
        usage(2, second.prefix, "second", 100, 0)]})
    one = app_client.get("/apis/admin/rate_limits/usage/1")
    assert one.json() == usage(1, first_prefix, "first key", 97, 3660)
    reset = app_client.post("/apis/admin/rate_limits/usage/1/reset")
    assert (reset.status_code, reset.json()) == (200, usage(1, first_prefix, "first key",
                                                            100, 0))
    # The 404s: an unknown id, and another tenant's key (ids are per tenant).
    with other_tenant.database.session(write=True) as session:
        issue_key(session, tenant_id=other_tenant.tenant_id)
        issue_key(session, tenant_id=other_tenant.tenant_id)
        session.commit()
    for method, url in (("get", "/apis/admin/rate_limits/usage/3"),
                        ("post", "/apis/admin/rate_limits/usage/3/reset")):
        response = app_client.request(method, url)
        assert (response.status_code, response.json()) == (
            404, not_found("no API key with id 3"))
    assert app_client.get("/apis/admin/rate_limits/usage/0").status_code == 400


def test_usage_of_an_unlimited_tenant_is_null(client: TestClient, tenant: TenantFixture
                                              ) -> None:
    response = client.get("/apis/admin/rate_limits/usage/1")
    assert response.json() == {"id": 1, "prefix": tenant.key[:9], "label": "first key",
                               "plan": "unlimited", "unlimited": True, "calls": None,
                               "tickets": None}


# CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A migrated SQLite file with tenant acme, configured through the environment."""
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SUPPORTDESK_REDIS_URL", raising=False)
    get_settings.cache_clear()
    clear_cache()
    runner = CliRunner()
    for command in (["migrate"], ["tenant", "create", "acme"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    yield runner
    get_settings.cache_clear()
    clear_cache()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_shows_and_sets_limits(cli: CliRunner) -> None:
    assert run(cli, "tenant", "limits", "acme") == (0, (
        "acme: standard: 100 calls per 3600 seconds per key, 10000 tickets per hour, a "
        "search costs 5 calls\n"), "")
    assert run(cli, "tenant", "set-limits", "acme", "--calls", "50", "--window", "60") == (
        0, "acme: per_minute: 50 calls per 60 seconds per key, 10000 tickets per hour, a "
        "search costs 5 calls\nRunning servers apply it within 5 seconds.\n", "")
    assert run(cli, "tenant", "set-limits", "acme", "--tickets-per-hour", "500",
               "--search-cost", "2")[1].startswith(
        "acme: custom: 50 calls per 60 seconds per key, 500 tickets per hour, a search "
        "costs 2 calls\n")
    assert run(cli, "tenant", "set-limits", "acme", "--unlimited")[1].startswith(
        "acme: unlimited (no rate limits)\n")
    assert run(cli, "tenant", "limits", "acme")[1] == "acme: unlimited (no rate limits)\n"
    assert run(cli, "tenant", "set-limits", "acme", "--plan", "standard")[1].startswith(
        "acme: standard: ")
    assert run(cli, "tenant", "set-limits", "acme", "--search-cost", "101") == (
        1, "", "error: search_cost must be a whole number from 1 to 100, got 101\n")
    assert run(cli, "tenant", "set-limits", "acme", "--plan", "gold") == (
        1, "", "error: plan must be one of standard, per_minute, got 'gold'\n")
    assert run(cli, "tenant", "limits", "nope") == (
        1, "", "error: no tenant with subdomain 'nope'\n")


def test_cli_usage_and_reset(cli: CliRunner) -> None:
    settings = get_settings()
    database = Database.from_url(settings.database_url, pool_size=2)
    limiter = RateLimiter.from_settings(settings, database)
    try:
        now = int(time.time())
        for _ in range(3):
            limiter.take(calls_bucket(1, 1, STANDARD.window_seconds), STANDARD.call_limit,
                         1, now)
        code, out, _ = run(cli, "apikey", "usage", "--tenant", "acme")
        assert code == 0
        header, row = out.splitlines()
        assert header.split() == ["ID", "PREFIX", "CALLS", "LEFT", "TICKETS", "LEFT"]
        fields = row.split()
        assert (fields[0], fields[2], fields[3:6], fields[7:]) == (
            "1", "97/100", ["(all", "back", "in"], ["10000/10000", "(all", "back", "in", "0s)"])
        # The calls leave the hour with their minute's slot: 3601 to 3660 s after
        # them; the CLI reads the real clock a moment later.
        assert 3500 <= int(fields[6].removesuffix("s)")) <= 3660
        code, out, _ = run(cli, "apikey", "reset-usage", "--tenant", "acme", "--id", "1")
        assert code == 0
        assert out.splitlines()[0] == "reset the usage of API key 1 of 'acme'"
        assert out.splitlines()[2].split()[2] == "100/100"
        assert run(cli, "apikey", "usage", "--tenant", "acme", "--id", "9") == (
            1, "", "error: no API key with id 9\n")
        assert run(cli, "apikey", "reset-usage", "--tenant", "acme", "--id", "9") == (
            1, "", "error: no API key with id 9\n")
    finally:
        limiter.close()
        database.dispose()


def test_cli_shows_and_unblocks_an_address(cli: CliRunner,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_RATE_LIMIT_AUTH_FAILURES", "3")
    monkeypatch.setenv("SUPPORTDESK_RATE_LIMIT_AUTH_WINDOW", "60")
    get_settings.cache_clear()
    settings = get_settings()
    database = Database.from_url(settings.database_url, pool_size=2)
    limiter = RateLimiter.from_settings(settings, database)
    assert limiter.address_limit is not None
    try:
        now = int(time.time())
        for address in ("203.0.113.7", "203.0.113.7", "203.0.113.7", "2001:db8::1"):
            assert limiter.take(address_bucket(address), limiter.address_limit, 1, now)
        code, out, _ = run(cli, "address", "show", "203.0.113.7")
        assert (code, out.split(" (all gone in")[0]) == (
            0, "203.0.113.7: blocked, 3/3 failed authentications counted")
        # They leave the window with their one-second slot: 60 to 61 s after them; the
        # CLI reads the real clock a moment later.
        assert 55 <= int(out.rsplit(" ", 1)[1].removesuffix("s)\n")) <= 61
        # Another address of the same IPv6 /64 is the same counter.
        code, out, _ = run(cli, "address", "show", "2001:db8::ffff")
        assert (code, out.split(" (all gone in")[0]) == (
            0, "2001:db8::/64: not blocked, 1/3 failed authentications counted")
        code, out, _ = run(cli, "address", "unblock", "203.0.113.7")
        assert (code, out) == (0, "unblocked 203.0.113.7\n203.0.113.7: not blocked, 0/3 "
                                  "failed authentications counted (all gone in 0s)\n")
        decision = limiter.take(address_bucket("203.0.113.7"), limiter.address_limit, 1, now)
        assert decision is not None
        assert (decision.allowed, decision.remaining) == (True, 2)
        assert run(cli, "address", "unblock", "2001:db8::/64")[1].splitlines()[0] == (
            "unblocked 2001:db8::/64")
        assert run(cli, "address", "show", "2001:db8::2")[1] == (
            "2001:db8::/64: not blocked, 0/3 failed authentications counted (all gone in "
            "0s)\n")
        assert run(cli, "address", "unblock", "acme.example") == (
            1, "", "error: 'acme.example' is not an IP address\n")
    finally:
        limiter.close()
        database.dispose()


def test_cli_address_show_when_the_limit_is_off(cli: CliRunner,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_RATE_LIMIT_AUTH_FAILURES", "0")
    get_settings.cache_clear()
    assert run(cli, "address", "show", "203.0.113.7") == (
        0, "failed-authentication limits are off (SUPPORTDESK_RATE_LIMIT_AUTH_FAILURES=0)\n",
        "")
