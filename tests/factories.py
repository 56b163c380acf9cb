"""Test data builders. Each test builds what it needs through the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.ratelimit.plans import Plan
from supportdesk.ratelimit.service import set_plan
from supportdesk.tenancy.provisioning import provision_tenant
from supportdesk.unit import TenantUnit, open_unit


@dataclass
class TenantFixture:
    """A provisioned tenant and the handles tests use to work with it."""

    tenant_id: int
    subdomain: str
    key: str
    database: Database
    settings: Settings
    clock: FixedClock

    @contextmanager
    def unit(self, *, write: bool = True) -> Iterator[TenantUnit]:
        """A unit of work on this tenant, as a route would get it."""
        with open_unit(self.database, self.settings, subdomain=self.subdomain, write=write,
                       clock=self.clock) as unit:
            yield unit

    @property
    def host(self) -> str:
        return f"{self.subdomain}.localhost"


def make_tenant(
    database: Database, settings: Settings, clock: FixedClock, *, subdomain: str,
    demo: bool = True, limits: Plan | None = None,
) -> TenantFixture:
    """A provisioned tenant; unlimited unless ``limits`` gives it a rate-limit plan."""
    provisioned = provision_tenant(database, settings, subdomain=subdomain, demo=demo,
                                   clock=clock)
    with open_unit(database, settings, subdomain=subdomain, write=True, clock=clock) as unit:
        if limits is None:
            set_plan(unit, unlimited=True)
        else:
            set_plan(unit, calls=limits.calls, window_seconds=limits.window_seconds,
                     tickets_per_hour=limits.tickets_per_hour,
                     search_cost=limits.search_cost, unlimited=limits.is_unlimited)
    return TenantFixture(
        tenant_id=provisioned.tenant_id, subdomain=subdomain, key=provisioned.key.secret,
        database=database, settings=settings, clock=clock,
    )


def bad_request(message: str) -> dict[str, Any]:
    """The exact 400 body the API answers with ``message``."""
    return {"status": 400, "error": "Bad Request", "message": message}


def conflict(message: str) -> dict[str, Any]:
    """The exact 409 body."""
    return {"status": 409, "error": "Conflict", "message": message}


def not_found(message: str) -> dict[str, Any]:
    """The exact 404 body."""
    return {"status": 404, "error": "Not Found", "message": message}
