"""Admin dependencies: an authenticated key that must be an administrator key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends

from supportdesk.api.deps import (
    ClockDep,
    DatabaseDep,
    SettingsDep,
    StorageDep,
    TenantDep,
    open_request_unit,
)
from supportdesk.errors import Forbidden
from supportdesk.tenancy.service import TenantContext
from supportdesk.unit import TenantUnit


async def get_admin_context(tenant: TenantDep) -> TenantContext:
    """The caller's tenant, refusing keys that are not administrator keys (403)."""
    if not tenant.is_admin:
        raise Forbidden("this operation needs an administrator API key "
                        "(supportdesk apikey create --admin)")
    return tenant


AdminDep = Annotated[TenantContext, Depends(get_admin_context)]


def get_admin_read_unit(
    database: DatabaseDep, settings: SettingsDep, clock: ClockDep, storage: StorageDep,
    tenant: AdminDep,
) -> Iterator[TenantUnit]:
    yield from open_request_unit(database, settings, clock, storage, tenant, write=False)


def get_admin_write_unit(
    database: DatabaseDep, settings: SettingsDep, clock: ClockDep, storage: StorageDep,
    tenant: AdminDep,
) -> Iterator[TenantUnit]:
    yield from open_request_unit(database, settings, clock, storage, tenant, write=True)


AdminReadUnit = Annotated[TenantUnit, Depends(get_admin_read_unit)]
AdminWriteUnit = Annotated[TenantUnit, Depends(get_admin_write_unit)]
