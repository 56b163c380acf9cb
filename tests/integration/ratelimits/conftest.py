"""Fixtures shared by the rate-limit tests: a limited tenant, its client, a strict app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp

from supportdesk.app import create_app
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.ratelimit.plans import STANDARD
from tests.factories import TenantFixture, make_tenant


@pytest.fixture
def limited(database: Database, settings: Settings, clock: FixedClock) -> TenantFixture:
    """Tenant acme on the Standard plan: 100 calls an hour per key."""
    return make_tenant(database, settings, clock, subdomain="acme", limits=STANDARD)


@pytest.fixture
def api(app_client: TestClient, limited: TenantFixture) -> TestClient:
    """The test client, authorised with the limited tenant's key."""
    app_client.headers["Authorization"] = limited.key
    return app_client


@pytest.fixture
def guarded(database: Database, settings: Settings, clock: FixedClock,
            limited: TenantFixture) -> tuple[ASGIApp, TenantFixture]:
    """An app that blocks an address after 5 failed keys in 60 seconds, and the tenant."""
    strict = settings.model_copy(update={"rate_limit_auth_failures": 5,
                                         "rate_limit_auth_window": 60})
    return create_app(strict, database=database, clock=clock), limited
