"""The ``/apis/admin`` router: every admin route module."""

from __future__ import annotations

from fastapi import APIRouter

from supportdesk.api.admin.routes import (
    agents,
    apikeys,
    catalog,
    contracts,
    customfields,
    exports,
    groups,
    limits,
    sla,
    surveys,
    time_entries,
)

ADMIN_PREFIX = "/apis/admin"

ROUTE_MODULES = (
    agents, groups, catalog, customfields, sla, surveys, contracts, time_entries, apikeys,
    limits, exports,
)


def build_admin_router() -> APIRouter:
    router = APIRouter(prefix=ADMIN_PREFIX)
    for module in ROUTE_MODULES:
        router.include_router(module.router)
    return router
