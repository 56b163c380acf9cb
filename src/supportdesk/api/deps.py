"""Request dependencies: the caller's tenant and a unit of work scoped to it.

Tenant resolution happens here once for every route: the Host header names
the tenant (``<sub>.<base domain>``), the ``Authorization`` header carries
the raw key, and the key must belong to that tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from supportdesk.attachments.storage import AttachmentStorage
from supportdesk.clock import Clock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.tenancy.service import TenantContext, authenticate, subdomain_from_host
from supportdesk.unit import TenantUnit

api_key_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="APIKey",
    description="Your raw API key (no 'Bearer' prefix). A key works only on its own "
    "tenant's host.",
)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_storage(request: Request) -> AttachmentStorage:
    storage: AttachmentStorage = request.app.state.storage
    return storage


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ClockDep = Annotated[Clock, Depends(get_clock)]
StorageDep = Annotated[AttachmentStorage, Depends(get_storage)]


def get_tenant_context(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Depends(api_key_header)],
) -> TenantContext:
    """Authenticate the key against the tenant the Host names (or the key's own)."""
    subdomain = subdomain_from_host(request.headers.get("host"), settings.base_domain)
    with database.session() as session:
        context = authenticate(session, secret=authorization, subdomain=subdomain)
    request.state.tenant = context
    return context


TenantDep = Annotated[TenantContext, Depends(get_tenant_context)]


def open_request_unit(
    database: Database, settings: Settings, clock: Clock, storage: AttachmentStorage,
    tenant: TenantContext, *, write: bool,
) -> Iterator[TenantUnit]:
    with database.session(tenant_id=tenant.tenant_id, write=write) as session:
        yield TenantUnit(
            session=session, tenant_id=tenant.tenant_id, subdomain=tenant.subdomain,
            catalog_version=tenant.catalog_version, settings=settings, storage=storage,
            clock=clock,
        )


def get_read_unit(
    database: DatabaseDep, settings: SettingsDep, clock: ClockDep, storage: StorageDep,
    tenant: TenantDep,
) -> Iterator[TenantUnit]:
    """A unit for reads: a plain transaction, never committed."""
    yield from open_request_unit(database, settings, clock, storage, tenant, write=False)


def get_write_unit(
    database: DatabaseDep, settings: SettingsDep, clock: ClockDep, storage: StorageDep,
    tenant: TenantDep,
) -> Iterator[TenantUnit]:
    """A unit for changes: takes the write lock up front on SQLite."""
    yield from open_request_unit(database, settings, clock, storage, tenant, write=True)


ReadUnit = Annotated[TenantUnit, Depends(get_read_unit)]
WriteUnit = Annotated[TenantUnit, Depends(get_write_unit)]
