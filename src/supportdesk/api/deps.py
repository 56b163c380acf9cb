"""Request dependencies: the caller's tenant and a unit of work scoped to it.

Tenant resolution happens here once for every route: the Host header names
the tenant (``<sub>.<base domain>``), the ``Authorization`` header carries
the raw key, and the key must belong to that tenant.

Rate limits are applied here too, once for every route, by
``api.admission``: failed authentications per client address, then the
call's cost against the key's sliding window (docs/api.md, Rate limits). The
decision is left on ``request.state`` for the header middleware.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from supportdesk.api.admission import admit, refusal, routed_path
from supportdesk.attachments.storage import AttachmentStorage
from supportdesk.catalog.snapshot import catalog_for
from supportdesk.clock import Clock
from supportdesk.config import Settings
from supportdesk.db.replicas import ReplicaRouter, writer_key
from supportdesk.db.session import Database
from supportdesk.ratelimit.limiter import RateLimiter
from supportdesk.ratelimit.plans import Plan
from supportdesk.ratelimit.service import epoch_seconds, tickets_bucket
from supportdesk.tenancy.service import TenantContext
from supportdesk.unit import TenantUnit

api_key_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="APIKey",
    description="Your raw API key (no 'Bearer' prefix). A key works only on its own "
    "tenant's host.",
)


# The accessors below are ``async def`` on purpose: FastAPI runs a plain ``def``
# dependency in the thread pool, and a hop there and back costs more than
# these reads of ``app.state`` (docs/benchmarks.md, Request path). Only
# dependencies that touch the database or a counter store are plain ``def``.


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_storage(request: Request) -> AttachmentStorage:
    storage: AttachmentStorage = request.app.state.storage
    return storage


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ClockDep = Annotated[Clock, Depends(get_clock)]
StorageDep = Annotated[AttachmentStorage, Depends(get_storage)]


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]

def client_address(request: Request) -> str:
    """The caller's address as the server sees it (the proxy's, unless trusted headers)."""
    return request.client.host if request.client is not None else "unknown"


def get_tenant_context(
    request: Request,
    *,
    authorization: Annotated[str | None, Depends(api_key_header)],
) -> TenantContext:
    """Authenticate the key and charge the call (``api.admission``), once per request.

    The app's database, settings, clock and limiter are read from ``app.state``
    here and in the units below rather than declared as dependencies: FastAPI
    solves every declared dependency of every request anew, and a list call
    solved 21 of them where it now solves 7 (docs/benchmarks.md, fourth pass).
    """
    state = request.app.state
    return admit(request.scope.setdefault("state", {}), database=state.database,
                 settings=state.settings, clock=state.clock, limiter=state.rate_limiter,
                 host=request.headers.get("host"), authorization=authorization,
                 address=client_address(request), path=routed_path(request.scope))


TenantDep = Annotated[TenantContext, Depends(get_tenant_context)]


def open_request_unit(
    database: Database, settings: Settings, clock: Clock, storage: AttachmentStorage,
    tenant: TenantContext, *, write: bool, group_commit: bool = False,
) -> Generator[TenantUnit, None, None]:
    """The unit a route works in; ``group_commit`` lets a write share SQLite's fsync.

    Only where the database has group commit on (``db.group_commit``);
    elsewhere the unit has a session of its own.
    """
    if write and group_commit and database.group is not None:
        unit = TenantUnit(
            group=database.group, tenant_id=tenant.tenant_id, subdomain=tenant.subdomain,
            catalog_version=tenant.catalog_version, settings=settings, storage=storage,
            clock=clock,
        )
        try:
            yield unit
        finally:
            unit.close()
        return
    with database.session(tenant_id=tenant.tenant_id, write=write) as session:
        if write and database.replicas is not None:
            database.replicas.watch_writes(
                session, writer_key(tenant.tenant_id, tenant.api_key_id))
        yield TenantUnit(
            session=session, tenant_id=tenant.tenant_id, subdomain=tenant.subdomain,
            catalog_version=tenant.catalog_version, settings=settings, storage=storage,
            clock=clock,
        )


async def get_read_unit(request: Request, tenant: TenantDep) -> AsyncIterator[TenantUnit]:
    """A unit for reads: a plain transaction, never committed (opened as ``_served`` says)."""
    state = request.app.state
    database: Database = state.database
    units = open_request_unit(database, state.settings, state.clock, state.storage, tenant,
                              write=False)
    async with _served(database, units, opens_without_io=True) as unit:
        yield unit


async def get_write_unit(request: Request, tenant: TenantDep) -> AsyncIterator[TenantUnit]:
    """A unit for changes: takes the write lock up front on SQLite (or its group's turn).

    Under group commit the unit is opened on the event loop (it takes its
    session on first use, in the route's thread) and, once committed, closed
    there too: neither does I/O, and FastAPI would spend a thread-pool hop on
    each. A unit left holding its session (the route failed) is rolled back
    in the pool, as is a unit with a session of its own (PostgreSQL).
    """
    state = request.app.state
    database: Database = state.database
    units = open_request_unit(database, state.settings, state.clock, state.storage, tenant,
                              write=True, group_commit=True)
    local = database.group is not None
    unit = next(units) if local else await run_in_threadpool(next, units)
    try:
        yield unit
    finally:
        if local and not unit.holds_session:
            units.close()
        else:
            await run_in_threadpool(units.close)


async def get_replica_read_unit(request: Request, tenant: TenantDep) \
        -> AsyncIterator[TenantUnit]:
    """A unit for reads that tolerate a little lag: a replica's, when one can serve.

    Only lists and search use it (see ``db.replicas``): the key's own writes
    are always visible, others' may arrive a moment later. Without replicas
    it is ``get_read_unit``'s unit.
    """
    state = request.app.state
    async with replica_read_unit(state.database, state.settings, state.clock, state.storage,
                                 tenant=tenant) as unit:
        yield unit


@asynccontextmanager
async def replica_read_unit(database: Database, settings: Settings, clock: Clock,
                            storage: AttachmentStorage, *, tenant: TenantContext) \
        -> AsyncIterator[TenantUnit]:
    """``get_replica_read_unit``'s unit, for dependencies of other routes (exports)."""
    router = database.replicas
    if router is None:
        units = open_request_unit(database, settings, clock, storage, tenant, write=False)
    else:
        units = _replica_units(database, router, settings, clock, storage, tenant=tenant)
    async with _served(database, units, opens_without_io=router is None) as unit:
        yield unit


def _replica_units(database: Database, router: ReplicaRouter, settings: Settings,
                   clock: Clock, storage: AttachmentStorage, *, tenant: TenantContext) \
        -> Generator[TenantUnit, None, None]:
    """A replica's unit. The tenant's definitions still come from the primary, so they
    match ``catalog_version``."""
    with database.session(tenant_id=tenant.tenant_id) as primary:
        catalog = catalog_for(primary, tenant.catalog_version)
    key = writer_key(tenant.tenant_id, tenant.api_key_id)
    with router.read_session(tenant_id=tenant.tenant_id, key=key) as session:
        yield TenantUnit(
            session=session, tenant_id=tenant.tenant_id, subdomain=tenant.subdomain,
            catalog_version=tenant.catalog_version, settings=settings, storage=storage,
            clock=clock, catalog=catalog,
        )


@asynccontextmanager
async def _served(database: Database, units: Generator[TenantUnit, None, None], *,
                  opens_without_io: bool) -> AsyncIterator[TenantUnit]:
    """The read unit of ``units`` for the length of the request.

    On the event loop, not in the thread pool, where opening and closing it
    do no I/O; FastAPI would run a plain generator dependency's two halves in
    two thread-pool hops, which cost more than that. Opening a plain
    session touches no connection (a replica's unit reads the catalog
    first: the pool). Closing is a call into the library on SQLite, and
    nothing at all once the service ended its transaction
    (``TenantUnit.end_reads``); a PostgreSQL transaction still open takes a
    round trip to roll back: the pool.
    """
    local = database.dialect == "sqlite"
    unit = next(units) if local or opens_without_io else await run_in_threadpool(next, units)
    try:
        yield unit
    finally:
        if local or (opens_without_io and not unit.in_transaction):
            units.close()
        else:
            await run_in_threadpool(units.close)


ReadUnit = Annotated[TenantUnit, Depends(get_read_unit)]
ReplicaReadUnit = Annotated[TenantUnit, Depends(get_replica_read_unit)]
WriteUnit = Annotated[TenantUnit, Depends(get_write_unit)]


class TicketQuota:
    """The calling key's hourly ticket allowance, charged by list and search routes.

    Charge the number of tickets a page will hold before answering: a page
    that does not fit in what the key has left of its trailing hour is
    refused whole (429), and nothing is taken from the allowance. So a key
    never receives more than its allowance in any hour, and never a
    truncated page.
    """

    def __init__(self, request: Request, limiter: RateLimiter, plan: Plan,
                 tenant: TenantContext, now: int) -> None:
        self.request = request
        self.limiter = limiter
        self.plan = plan
        self.tenant = tenant
        self.now = now

    def charge(self, tickets: int) -> None:
        """Take ``tickets`` from the allowance, or raise RateLimited."""
        if self.plan.is_unlimited or tickets <= 0:
            return
        decision = self.limiter.take(
            tickets_bucket(self.tenant.tenant_id, self.tenant.api_key_id),
            self.plan.ticket_limit, tickets, self.now)
        if decision is None:
            return
        self.request.state.ticket_quota = decision
        if not decision.allowed:
            raise refusal(decision, f"this page holds {tickets} tickets but this API key "
                          f"may receive only {decision.remaining} more this hour (its "
                          f"allowance is {self.plan.tickets_per_hour} tickets per hour)")


async def get_ticket_quota(request: Request, tenant: TenantDep) -> TicketQuota:
    """The key's ticket allowance, with the plan its authentication just read."""
    plan: Plan = request.state.plan
    clock: Clock = request.app.state.clock
    return TicketQuota(request, request.app.state.rate_limiter, plan, tenant,
                       epoch_seconds(clock.now()))


TicketQuotaDep = Annotated[TicketQuota, Depends(get_ticket_quota)]
