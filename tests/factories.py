"""Test data builders. Each test builds what it needs through the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
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
    demo: bool = True,
) -> TenantFixture:
    provisioned = provision_tenant(database, settings, subdomain=subdomain, demo=demo,
                                   clock=clock)
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
